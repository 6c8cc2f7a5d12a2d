using LlamaSwap.Benchmarks.Servers;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>
/// Loopback ports for servers that must listen on a port chosen before they start (a <c>cmd</c> with a fixed
/// <c>--port</c>, a <c>startPort</c>, an address nobody may answer on): taken from below the ephemeral range and
/// handed out once per run, shared with the benchmark harness (see <see cref="LoopbackPorts"/> for why).
/// Prefer binding port 0 and reading the port back wherever the server can report it (the simulator can: see
/// <see cref="SimulatorProcess"/>).
/// </summary>
public static class FreePort
{
    /// <summary>A port that is free now and that no other test of this run was or will be given.</summary>
    public static int Get() => LoopbackPorts.Get();

    /// <summary>The first of <paramref name="count"/> consecutive such ports (a <c>startPort</c>).</summary>
    public static int GetBlock(int count) => LoopbackPorts.GetBlock(count);

    /// <summary>Whether <paramref name="port"/> can be bound on loopback right now.</summary>
    public static bool IsFree(int port) => LoopbackPorts.IsFree(port);
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>
/// Loopback ports for servers that must listen on a port chosen before they start (a <c>cmd</c> with a fixed
/// <c>--port</c>, a <c>startPort</c>, an address nobody may answer on).
/// </summary>
/// <remarks>
/// Ports come from just below the kernel's ephemeral range, each handed out once per test run. A port taken
/// from the ephemeral range (by binding port 0 and letting go) could be given by the kernel to the next server
/// that binds port 0, or to an outgoing connection, before the intended server binds it; a readiness check
/// would then pass against that stranger. Below the range, only another holder of an explicit port can collide,
/// and <see cref="IsFree"/> skips those. Prefer binding port 0 and reading the port back wherever the server
/// can report it (the simulator can: see <see cref="SimulatorProcess"/>).
/// </remarks>
public static class FreePort
{
    private const int RangeSize = 10_000;
    private static readonly Lock Gate = new();
    private static readonly (int First, int End) Range = ReservedRange();
    private static int _next = Range.First + Random.Shared.Next(RangeSize);

    /// <summary>A port that is free now and that no other test of this run was or will be given.</summary>
    public static int Get() => GetBlock(1);

    /// <summary>The first of <paramref name="count"/> consecutive such ports (a <c>startPort</c>).</summary>
    public static int GetBlock(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (Gate)
        {
            for (var tried = 0; tried < RangeSize; tried += count)
            {
                if (_next + count > Range.End)
                    _next = Range.First;
                var first = _next;
                _next += count;
                if (Enumerable.Range(first, count).All(IsFree))
                    return first;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports left in {Range.First}-{Range.End - 1}");
    }

    /// <summary>Whether <paramref name="port"/> can be bound on loopback right now.</summary>
    public static bool IsFree(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int First, int End) ReservedRange()
    {
        var ephemeralFirst = 32768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            ephemeralFirst = int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Linux's default range then.
        }

        var first = Math.Max(1024, ephemeralFirst - RangeSize);
        return (first, first + RangeSize);
    }
}

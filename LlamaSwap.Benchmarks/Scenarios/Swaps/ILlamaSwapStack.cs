using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Benchmarks.Scenarios.Swaps;

/// <summary>A running LlamaSwap (Supervisor, and the Proxy when it serves) started from a generated models.yaml.</summary>
internal interface ILlamaSwapStack : IAsyncDisposable
{
    SupervisorClient Supervisor { get; }

    int SupervisorPid { get; }

    /// <summary>The Proxy's base URL, e.g. <c>http://127.0.0.1:41234</c>; null when no Proxy serves.</summary>
    string? ProxyBaseUrl { get; }
}

/// <summary>Starts a stack with <paramref name="configYaml"/> as its models.yaml.</summary>
internal delegate Task<ILlamaSwapStack> StackLauncher(string configYaml, CancellationToken cancellationToken);

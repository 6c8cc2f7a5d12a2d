using System.Collections.Immutable;
using LlamaSwap.Configuration;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

internal static class TestConfigs
{
    public static ModelConfig Model(string id, int port = 0) => new()
    {
        Id = id,
        Cmd = $"fake-server --model {id}",
        Proxy = $"http://127.0.0.1:{(port == 0 ? 5800 + (Math.Abs(id.GetHashCode(StringComparison.Ordinal)) % 1000) : port)}",
        UnloadTimeout = TimeSpan.FromSeconds(10),
    };

    public static LlamaSwapConfig Config(RoutingConfig routing, params ModelConfig[] models) => new()
    {
        Models = models.ToImmutableSortedDictionary(m => m.Id, m => m, StringComparer.Ordinal),
        Routing = routing,
    };

    /// <summary>No groups: one model at a time.</summary>
    public static LlamaSwapConfig OneAtATime(params string[] ids) =>
        Config(new RoutingConfig(), [.. ids.Select(id => Model(id))]);

    public static LlamaSwapConfig MaxLoaded(int n, params string[] ids) =>
        Config(new RoutingConfig { Router = RouterKind.MaxLoaded, MaxLoaded = n }, [.. ids.Select(id => Model(id))]);
}

using System.Collections.Immutable;

namespace LlamaSwap.Configuration;

/// <summary>
/// One fully loaded, validated and macro-expanded models.yaml (or config directory).
/// Immutable: a reload produces a new instance, never mutates this one.
/// </summary>
public sealed record LlamaSwapConfig
{
    /// <summary>Max wait for a starting upstream to pass its health check (min 15 s, default 120 s).</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public LogLevelSetting LogLevel { get; init; } = LogLevelSetting.Info;
    /// <summary>Name of a timestamp layout (llama-swap's Go names: rfc3339, kitchen, …); empty = none.</summary>
    public string LogTimeFormat { get; init; } = "";
    public LogToStdout LogToStdout { get; init; } = LogToStdout.Proxy;
    public int MetricsMaxInMemory { get; init; } = 1000;
    /// <summary>Request/response capture cache size in MB; 0 disables captures.</summary>
    public int CaptureBufferMb { get; init; } = 5;
    /// <summary>Activity store file; null keeps activity in memory.</summary>
    public string? StorePath { get; init; }
    public ImmutableArray<string> UiSessionIdHeaders { get; init; } = ["X-Session-ID", "X-Litellm-Session-Id"];
    public PerformanceConfig Performance { get; init; } = new();
    public int StartPort { get; init; } = 5800;
    public bool SendLoadingState { get; init; }
    /// <summary>How loading progress is streamed when <see cref="SendLoadingState"/> applies.</summary>
    public LoadingStateStyle LoadingStateStyle { get; init; } = LoadingStateStyle.Reasoning;
    public bool IncludeAliasesInList { get; init; }
    /// <summary>Default idle TTL for models that do not set one; null = never unload.</summary>
    public TimeSpan? GlobalTtl { get; init; }
    /// <summary>Graceful stop window for manual, API and TTL unloads before SIGKILL.</summary>
    public TimeSpan UnloadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Local models by id, ordinal order.</summary>
    public ImmutableSortedDictionary<string, ModelConfig> Models { get; init; } =
        ImmutableSortedDictionary.Create<string, ModelConfig>(StringComparer.Ordinal);
    /// <summary>Every alias (declared, and setParamsByID auto-aliases) → model id.</summary>
    public ImmutableDictionary<string, string> Aliases { get; init; } =
        ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);

    public RoutingConfig Routing { get; init; } = new();
    /// <summary>Model ids (resolved through aliases) to start, health-only, at every startup and reload.</summary>
    public ImmutableArray<string> Preload { get; init; } = [];
    public ImmutableArray<string> ApiKeys { get; init; } = [];
    public ImmutableSortedDictionary<string, PeerConfig> Peers { get; init; } =
        ImmutableSortedDictionary.Create<string, PeerConfig>(StringComparer.Ordinal);
    /// <summary>Regular expressions for /upstream paths that must not trigger a load.</summary>
    public ImmutableArray<string> UpstreamIgnorePaths { get; init; } = [@".*\.(js|json|css|png|gif|jpg|jpeg|ico|txt)$"];
    public ImmutableSortedDictionary<string, ProfileConfig> Profiles { get; init; } =
        ImmutableSortedDictionary.Create<string, ProfileConfig>(StringComparer.Ordinal);
    public ImmutableSortedDictionary<string, SelectorConfig> Selectors { get; init; } =
        ImmutableSortedDictionary.Create<string, SelectorConfig>(StringComparer.Ordinal);

    /// <summary>Routing rules in evaluation order (<c>routes:</c>).</summary>
    public ImmutableArray<RouteRuleConfig> Routes { get; init; } = [];
    public ResilienceConfig Resilience { get; init; } = new();
    public EndpointHealthConfig EndpointHealth { get; init; } = new();

    /// <summary>The files this configuration was read from, in merge order.</summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>Resolves a model id or alias to the model id; null when neither.</summary>
    public string? ResolveModelId(string name) =>
        Models.ContainsKey(name) ? name : Aliases.GetValueOrDefault(name);
}

public enum LogLevelSetting { Debug, Info, Warn, Error }

public enum LogToStdout { Proxy, Upstream, Both, None }

/// <summary>
/// <see cref="Reasoning"/> is llama-swap's form (progress in <c>reasoning_content</c> deltas);
/// <see cref="Comments"/> sends SSE comment lines that clients ignore, so output is never polluted.
/// </summary>
public enum LoadingStateStyle { Reasoning, Comments }

public sealed record PerformanceConfig
{
    public bool Disabled { get; init; }
    public TimeSpan Every { get; init; } = TimeSpan.FromSeconds(5);
}

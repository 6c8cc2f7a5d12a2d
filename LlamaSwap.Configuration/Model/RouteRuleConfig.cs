using System.Collections.Immutable;

namespace LlamaSwap.Configuration;

/// <summary>
/// One entry of <c>routes:</c>, a LlamaSwap addition: when a request matches, it goes to one of the rule's
/// targets (by weight, or to the least loaded), and on a failure before any byte reached the client, to the
/// next target and then along <see cref="Fallback"/>.
/// </summary>
public sealed record RouteRuleConfig
{
    /// <summary>The rule's name in metrics, traces and errors; <c>routes[i]</c> when not given.</summary>
    public required string Name { get; init; }
    public RouteMatch Match { get; init; } = new();
    public ImmutableArray<RouteTarget> Targets { get; init; } = [];
    /// <summary>Names tried in order after every target failed or was out of rotation.</summary>
    public ImmutableArray<string> Fallback { get; init; } = [];
    public RouteStrategy Strategy { get; init; } = RouteStrategy.Weighted;
    /// <summary>Answer with the requested model name and without the upstream's server headers.</summary>
    public bool HideBackend { get; init; }
}

/// <summary>What a request must satisfy for a rule to apply; every condition given must hold.</summary>
public sealed record RouteMatch
{
    /// <summary>The <c>model</c> field, exactly (a virtual name such as <c>auto</c> works: it needs no model).</summary>
    public string? Model { get; init; }
    /// <summary>A .NET regular expression the <c>model</c> field must match (anchor it with <c>^…$</c> for a whole match).</summary>
    public string? ModelPattern { get; init; }
    /// <summary>Request headers (names case-insensitive) and the exact values they must carry.</summary>
    public ImmutableSortedDictionary<string, string> Headers { get; init; } =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>The request path, exactly (for example <c>/v1/embeddings</c>).</summary>
    public string? Path { get; init; }
    /// <summary>A .NET regular expression the request path must match.</summary>
    public string? PathPattern { get; init; }
}

/// <param name="Model">A model id or alias, an endpoint model, a peer model or a selector.</param>
/// <param name="Weight">Share of the traffic among the rule's targets; 0 takes it out of the split (it still serves as a fallback).</param>
public sealed record RouteTarget(string Model, int Weight);

public enum RouteStrategy
{
    /// <summary>Smooth weighted round robin: over any window the split follows the weights.</summary>
    Weighted,
    /// <summary>The target with the fewest requests in flight; ties rotate.</summary>
    LeastLoaded,
}

/// <summary><c>resilience:</c>: retries of one backend and its circuit breaker, for rules with more than one choice.</summary>
public sealed record ResilienceConfig
{
    /// <summary>Extra attempts on the same backend after a transient failure (connection refused, 502, 503, 504).</summary>
    public int Retries { get; init; } = 1;
    /// <summary>Pause before the first retry; doubles after each.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public double BreakerFailureRatio { get; init; } = 0.5;
    public int BreakerMinimumThroughput { get; init; } = 4;
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long an open breaker keeps its backend out of rotation before one trial request.</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary><c>endpointHealth:</c>: how endpoint models (a URL, no <c>cmd</c>) are checked.</summary>
public sealed record EndpointHealthConfig
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}

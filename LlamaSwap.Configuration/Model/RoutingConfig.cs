using System.Collections.Immutable;

namespace LlamaSwap.Configuration;

public enum RouterKind
{
    /// <summary>Groups (the implicit <c>(default)</c> group alone = one model at a time).</summary>
    Group,
    /// <summary>Matrix sets solved by lowest eviction cost.</summary>
    Matrix,
    /// <summary>At most N models loaded; the least recently used is evicted first.</summary>
    MaxLoaded,
}

public sealed record RoutingConfig
{
    public RouterKind Router { get; init; } = RouterKind.Group;
    /// <summary>Declared groups in definition order, then the implicit <c>(default)</c> group if any model is in no group.</summary>
    public ImmutableArray<GroupConfig> Groups { get; init; } = [];
    public MatrixConfig? Matrix { get; init; }
    /// <summary>The N of <see cref="RouterKind.MaxLoaded"/>.</summary>
    public int MaxLoaded { get; init; } = 1;
    /// <summary>Queue priority by model id; higher is served first; default 0.</summary>
    public ImmutableDictionary<string, int> Priorities { get; init; } = ImmutableDictionary<string, int>.Empty;
    /// <summary>After waiting this long, a queued model's swap goes ahead once current leases drain.</summary>
    public TimeSpan StarvationBound { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed record GroupConfig
{
    public const string DefaultGroupId = "(default)";

    public required string Id { get; init; }
    public bool Swap { get; init; } = true;
    public bool Exclusive { get; init; } = true;
    public bool Persistent { get; init; }
    public ImmutableArray<string> Members { get; init; } = [];
}

public sealed record MatrixConfig
{
    /// <summary>Short name → model id.</summary>
    public ImmutableDictionary<string, string> Vars { get; init; } = ImmutableDictionary<string, string>.Empty;
    /// <summary>Model id → eviction cost (default 1).</summary>
    public ImmutableDictionary<string, int> EvictCosts { get; init; } = ImmutableDictionary<string, int>.Empty;
    /// <summary>Sets in solver order: referenced sets before the sets that reference them, otherwise definition order.</summary>
    public ImmutableArray<MatrixSet> Sets { get; init; } = [];

    public int EvictCost(string modelId) => EvictCosts.GetValueOrDefault(modelId, 1);

    /// <summary>Whether some expansion of some set lets all these models run together (true for none).</summary>
    public bool CanContainAll(IEnumerable<string> modelIds)
    {
        var required = modelIds.ToList();
        return Sets.Any(set => set.Expansions.Any(expansion => required.TrueForAll(expansion.Contains)));
    }
}

/// <summary>A named DSL set and the concrete model-id sets it allows to run together.</summary>
public sealed record MatrixSet(string Name, string Dsl, ImmutableArray<ImmutableSortedSet<string>> Expansions);

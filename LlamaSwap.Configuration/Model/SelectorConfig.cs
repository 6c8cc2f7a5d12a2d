using System.Collections.Immutable;
using System.Text.Json;

namespace LlamaSwap.Configuration;

public enum SelectorStrategy { Pin, Warm, Spillover }

/// <summary>A virtual model id resolved to one of its targets per request.</summary>
public sealed record SelectorConfig
{
    public required string Id { get; init; }
    public required SelectorStrategy Strategy { get; init; }
    /// <summary>Local model ids/aliases or peer model names, in preference order.</summary>
    public ImmutableArray<string> Targets { get; init; } = [];
    public int Spillover { get; init; } = 1;
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public JsonElement Metadata { get; init; } = EmptyJson.Object;
    public bool Unlisted { get; init; }
}

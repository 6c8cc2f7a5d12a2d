using System.Collections.Immutable;

namespace LlamaSwap.Configuration;

/// <summary>A remote OpenAI-compatible server whose models are addressable as <c>peerId/model</c>.</summary>
public sealed record PeerConfig
{
    public required string Id { get; init; }
    public required string Proxy { get; init; }
    /// <summary>When set, replaces the client's Authorization and x-api-key headers.</summary>
    public string ApiKey { get; init; } = "";
    public ImmutableArray<string> Models { get; init; } = [];
    public ModelFilters Filters { get; init; } = new();
    public UpstreamTimeouts Timeouts { get; init; } = new() { ResponseHeader = TimeSpan.FromSeconds(60) };
}

using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Resolution;

/// <summary>
/// Where a request goes. <see cref="RequestedName"/> is what the client sent; <see cref="Name"/> is the
/// name after profile pins and selectors (what the upstream sees unless <c>useModelName</c> says
/// otherwise); exactly one of <see cref="Local"/> and <see cref="Peer"/> is set.
/// </summary>
internal sealed record ResolvedModel(string RequestedName, string Name, ModelConfig? Local, PeerModel? Peer)
{
    public string? Profile { get; init; }

    public string? Selector { get; init; }

    /// <summary>The model id, or <c>peer/model</c>: the key for telemetry, activity and admission.</summary>
    public string Target => Local?.Id ?? Peer!.FullName;

    /// <summary>The model name the upstream must receive.</summary>
    public string UpstreamModelName =>
        Local is { } local ? (local.UseModelName.Length > 0 ? local.UseModelName : Name) : Peer!.Model;
}

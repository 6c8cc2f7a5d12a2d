using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Resolution;

namespace LlamaSwap.Proxy.Routing;

/// <summary>A resolved request ready to be admitted and forwarded.</summary>
/// <param name="UpstreamPath">The path to request upstream, percent-encoded, starting with '/'.</param>
/// <param name="Content">The body to send; null for none.</param>
/// <param name="CapturedBody">The body as sent upstream when it is already in memory (for activity captures).</param>
/// <param name="Stream">The client asked for a streamed answer (loading state applies only then).</param>
/// <param name="Fallback">Which failures before any byte are returned instead of written, for another backend to take over.</param>
/// <param name="HideBackendAs">When set, the response names this model and carries no server headers of the upstream.</param>
internal sealed record Dispatch(
    HttpContext Context,
    RoutingTable Table,
    ResolvedModel Model,
    string UpstreamPath,
    QueryString Query,
    HttpContent? Content,
    ReadOnlyMemory<byte>? CapturedBody,
    bool Stream,
    FallbackScope Fallback = FallbackScope.None,
    string? HideBackendAs = null);

/// <summary>How a dispatch ended: the status the client got, or the error handed back for another backend to take over.</summary>
internal readonly record struct DispatchOutcome(int StatusCode, ProxyError? Deferred = null);

using LlamaSwap.Proxy.Resolution;

namespace LlamaSwap.Proxy.Routing;

/// <summary>A resolved request ready to be admitted and forwarded.</summary>
/// <param name="UpstreamPath">The path to request upstream, percent-encoded, starting with '/'.</param>
/// <param name="Content">The body to send; null for none.</param>
/// <param name="CapturedBody">The body as sent upstream when it is already in memory (for activity captures).</param>
/// <param name="Stream">The client asked for a streamed answer (loading state applies only then).</param>
internal sealed record Dispatch(
    HttpContext Context,
    RoutingTable Table,
    ResolvedModel Model,
    string UpstreamPath,
    QueryString Query,
    HttpContent? Content,
    ReadOnlyMemory<byte>? CapturedBody,
    bool Stream);

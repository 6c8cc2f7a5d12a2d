using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Rpc.Server;

/// <summary>
/// What a handler knows about its call besides the request message. The transport
/// creates one per call; tests of a service can create one directly.
/// </summary>
public sealed class ServerCallContext
{
    private readonly Func<Metadata>? _requestHeadersFactory;
    private Metadata? _requestHeaders;

    /// <summary>Creates a context for calling a service's handler without a server (tests).</summary>
    public ServerCallContext(
        string method,
        Metadata requestHeaders,
        DateTimeOffset? deadline = null,
        string peer = "",
        CancellationToken cancellationToken = default)
    {
        Method = method;
        _requestHeaders = requestHeaders;
        Deadline = deadline;
        Peer = peer;
        CancellationToken = cancellationToken;
    }

    internal ServerCallContext(
        HttpContext httpContext,
        string method,
        Func<Metadata> requestHeadersFactory,
        DateTimeOffset? deadline,
        string peer,
        CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        _requestHeadersFactory = requestHeadersFactory;
        Deadline = deadline;
        Peer = peer;
        CancellationToken = cancellationToken;
    }

    /// <summary>The call's path, <c>/{service}/{method}</c>.</summary>
    public string Method { get; }

    /// <summary>
    /// The caller's custom metadata (protocol headers such as <c>grpc-timeout</c> and
    /// <c>content-type</c> removed). W3C <c>traceparent</c> / <c>tracestate</c> are here too.
    /// </summary>
    public Metadata RequestHeaders => _requestHeaders ??= _requestHeadersFactory!();

    /// <summary>When the caller stops waiting (from <c>grpc-timeout</c>); null for no deadline.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>The caller's address, e.g. <c>ipv4:127.0.0.1:53412</c>.</summary>
    public string Peer { get; }

    /// <summary>
    /// Fires when the client cancels (RST_STREAM), disconnects, the deadline passes, or the
    /// server shuts down. A handler that observes it should stop and let the exception out.
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Trailers sent with the call's status, whether OK or an error.</summary>
    public Metadata ResponseTrailers { get; } = new();

    /// <summary>The underlying HTTP/2 exchange; null when the context was created without a server.</summary>
    public HttpContext? HttpContext { get; }
}

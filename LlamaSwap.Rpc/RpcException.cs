namespace LlamaSwap.Rpc;

/// <summary>
/// A gRPC call's non-OK outcome. Server handlers throw it to end a call with a status;
/// the client throws it for every failed call (server status, transport failure,
/// deadline, cancellation), so callers catch one type and switch on <see cref="StatusCode"/>.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail, Metadata? trailers = null, Exception? innerException = null)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")", innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
        Trailers = trailers ?? new Metadata();
    }

    public StatusCode StatusCode { get; }

    public Status Status => new(StatusCode, Detail);

    /// <summary>The human-readable status message (<c>grpc-message</c>).</summary>
    public string Detail { get; }

    /// <summary>
    /// On the server: extra trailers sent with the status. On the client: the trailers
    /// the server sent (empty when the failure was local).
    /// </summary>
    public Metadata Trailers { get; }
}

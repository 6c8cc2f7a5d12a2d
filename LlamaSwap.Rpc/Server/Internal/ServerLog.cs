using Microsoft.Extensions.Logging;

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>
/// The server's log events. Only a handler's unexpected exception is an error: protocol
/// violations, cancellations and deadlines are the peer's doing and stay at Debug.
/// </summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Debug, "Call {Method} ended with status {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(2, LogLevel.Debug, "Call {Method} exceeded its deadline.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(3, LogLevel.Debug, "Call {Method} was cancelled by the client.")]
    public static partial void CancelledByClient(ILogger logger, string method);

    [LoggerMessage(4, LogLevel.Debug, "Call {Method} ended because the server is shutting down.")]
    public static partial void ServerStopping(ILogger logger, string method);

    [LoggerMessage(5, LogLevel.Error, "Call {Method} failed: the handler threw an exception.")]
    public static partial void HandlerException(ILogger logger, string method, Exception? exception);

    [LoggerMessage(6, LogLevel.Debug, "Call {Method} has an invalid grpc-timeout header '{Value}'; the call runs without a deadline.")]
    public static partial void InvalidTimeout(ILogger logger, string method, string value);

    [LoggerMessage(7, LogLevel.Debug, "Request to {Path} refused: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string path, string reason);

    [LoggerMessage(8, LogLevel.Debug, "Call to unimplemented {Path}.")]
    public static partial void Unimplemented(ILogger logger, string path);
}

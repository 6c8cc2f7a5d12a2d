using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;

namespace LlamaSwap.Supervisor.Grpc;

/// <summary>
/// Response writes that tell a client who went away from a failing handler. The transport can see that the client
/// reset the stream (its flush fails or throws an <see cref="IOException"/>) a moment before the call's token fires; such a write is reported as the
/// CANCELLED status the client already has, not as an unexpected exception of the handler.
/// </summary>
internal static class ResponseWrites
{
    public static async ValueTask WriteAsync<T>(this IServerStreamWriter<T> stream, T message, CancellationToken callEnded, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && !callEnded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(StatusCode.Cancelled, "the client stopped reading the response");
        }
    }

    public static ValueTask WriteAsync<T>(this IServerStreamWriter<T> stream, T message, ServerCallContext context) =>
        stream.WriteAsync(message, context.CancellationToken, context.CancellationToken);
}

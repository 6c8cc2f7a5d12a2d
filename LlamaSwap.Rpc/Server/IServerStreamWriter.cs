namespace LlamaSwap.Rpc.Server;

/// <summary>
/// The response side of a server-streaming call. Each message is flushed to the network
/// as it is written; writes must not overlap.
/// </summary>
public interface IServerStreamWriter<in T>
{
    /// <exception cref="OperationCanceledException">The call was cancelled, timed out or the client went away.</exception>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);
}

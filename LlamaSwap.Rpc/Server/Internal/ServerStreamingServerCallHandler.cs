using Google.Protobuf;

namespace LlamaSwap.Rpc.Server.Internal;

internal sealed class ServerStreamingServerCallHandler<TRequest, TResponse>(
    GrpcMethod<TRequest, TResponse> method,
    ServerStreamingServerMethod<TRequest, TResponse> handler,
    GrpcServerRuntime runtime) : ServerCallHandler(method.Path, runtime)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    protected override async Task HandleCallAsync(ServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(GrpcMethod<TRequest, TResponse>.RequestParser);
        await handler(request, new ResponseStreamWriter<TResponse>(call), call.Context);
        if (call.DeadlineExceeded)
        {
            throw new OperationCanceledException(call.CancellationToken);
        }

        call.CompleteWithStatus(StatusCode.OK, string.Empty);
    }

    private sealed class ResponseStreamWriter<T>(ServerCall call) : IServerStreamWriter<T>
        where T : IMessage<T>
    {
        public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default) =>
            call.WriteMessageAsync(message, flush: true, cancellationToken);
    }
}

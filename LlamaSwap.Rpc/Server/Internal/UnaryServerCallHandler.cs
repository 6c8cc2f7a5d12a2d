using Google.Protobuf;

namespace LlamaSwap.Rpc.Server.Internal;

internal sealed class UnaryServerCallHandler<TRequest, TResponse>(
    GrpcMethod<TRequest, TResponse> method,
    UnaryServerMethod<TRequest, TResponse> handler,
    GrpcServerRuntime runtime) : ServerCallHandler(method.Path, runtime)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    protected override async Task HandleCallAsync(ServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(GrpcMethod<TRequest, TResponse>.RequestParser);
        var response = await handler(request, call.Context);
        if (call.DeadlineExceeded)
        {
            // Too late: the client has given up; answering OK would contradict its status.
            throw new OperationCanceledException(call.CancellationToken);
        }

        await call.WriteMessageAsync(response, flush: false, CancellationToken.None);
        call.CompleteWithStatus(StatusCode.OK, string.Empty);
    }
}

namespace LlamaSwap.Rpc.Server;

/// <summary>Handles a unary call; return the response or throw <see cref="RpcException"/>.</summary>
public delegate Task<TResponse> UnaryServerMethod<in TRequest, TResponse>(TRequest request, ServerCallContext context);

/// <summary>
/// Handles a server-streaming call; write any number of responses, then return (status OK)
/// or throw <see cref="RpcException"/>.
/// </summary>
public delegate Task ServerStreamingServerMethod<in TRequest, TResponse>(
    TRequest request,
    IServerStreamWriter<TResponse> responseStream,
    ServerCallContext context);

using Google.Protobuf;
using LlamaSwap.Rpc.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace LlamaSwap.Rpc.Server;

/// <summary>Maps the methods of one service onto endpoints; handed to <see cref="IGrpcService.Bind"/>.</summary>
public sealed class GrpcServiceBinder
{
    private readonly IEndpointRouteBuilder _endpoints;
    private readonly GrpcServerRuntime _runtime;
    private readonly List<IEndpointConventionBuilder> _mapped = [];

    internal GrpcServiceBinder(IEndpointRouteBuilder endpoints, GrpcServerRuntime runtime)
    {
        _endpoints = endpoints;
        _runtime = runtime;
    }

    internal IReadOnlyList<IEndpointConventionBuilder> Mapped => _mapped;

    public GrpcServiceBinder Unary<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        RequireType(method.Type, GrpcMethodType.Unary, method.Path);
        var callHandler = new UnaryServerCallHandler<TRequest, TResponse>(method, handler, _runtime);
        return Map(method.ServiceName, method.Path, callHandler);
    }

    public GrpcServiceBinder ServerStreaming<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method,
        ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        RequireType(method.Type, GrpcMethodType.ServerStreaming, method.Path);
        var callHandler = new ServerStreamingServerCallHandler<TRequest, TResponse>(method, handler, _runtime);
        return Map(method.ServiceName, method.Path, callHandler);
    }

    private static void RequireType(GrpcMethodType actual, GrpcMethodType expected, string path)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Method {path} is {actual}; it cannot be mapped as {expected}.", "method");
        }
    }

    private GrpcServiceBinder Map(string serviceName, string path, ServerCallHandler handler)
    {
        _runtime.Services.AddService(serviceName);
        _mapped.Add(_endpoints.MapPost(path, handler.HandleAsync).WithDisplayName($"gRPC {path}"));
        return this;
    }
}

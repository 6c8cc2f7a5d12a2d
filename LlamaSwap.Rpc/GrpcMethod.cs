using Google.Protobuf;

namespace LlamaSwap.Rpc;

/// <summary>The call shapes this transport implements (no client or bidirectional streaming).</summary>
public enum GrpcMethodType
{
    Unary,
    ServerStreaming,
}

/// <summary>
/// One RPC of a service: its shape, its HTTP/2 path and how its messages are parsed.
/// The same descriptor drives the server's routing and the client's calls, so both ends
/// agree on the path by construction.
/// </summary>
public sealed class GrpcMethod<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public GrpcMethod(GrpcMethodType type, string serviceName, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        Path = $"/{serviceName}/{name}";
    }

    public GrpcMethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>grpc.health.v1.Health</c>.</summary>
    public string ServiceName { get; }

    public string Name { get; }

    /// <summary>The HTTP/2 <c>:path</c>: <c>/{ServiceName}/{Name}</c> (case-sensitive).</summary>
    public string Path { get; }

    public static MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    public static MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());

    public override string ToString() => Path;
}

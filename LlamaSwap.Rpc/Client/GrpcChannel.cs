using System.Net;
using Google.Protobuf;
using LlamaSwap.Rpc.Client.Internal;

namespace LlamaSwap.Rpc.Client;

/// <summary>
/// A gRPC client connection to one server address, over <see cref="HttpClient"/> speaking
/// HTTP/2 with prior knowledge (h2c for <c>http://</c> addresses). Calls are multiplexed
/// on the handler's connections; one channel per server is enough. Thread-safe.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly bool _ownsHttpClient;

    /// <param name="httpClient">
    /// The client to send with. Its <see cref="HttpClient.Timeout"/> should be infinite:
    /// streams stay open as long as they are needed and deadlines bound calls instead.
    /// </param>
    /// <param name="address">The server, e.g. <c>http://127.0.0.1:5101</c>.</param>
    public GrpcChannel(HttpClient httpClient, Uri address, GrpcClientOptions? options = null)
        : this(httpClient, address, options, ownsHttpClient: false)
    {
    }

    private GrpcChannel(HttpClient httpClient, Uri address, GrpcClientOptions? options, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(address);
        HttpClient = httpClient;
        Address = address;
        Options = options ?? new GrpcClientOptions();
        _ownsHttpClient = ownsHttpClient;
    }

    public Uri Address { get; }

    public GrpcClientOptions Options { get; }

    internal HttpClient HttpClient { get; }

    /// <summary>A channel with its own connection pool (<see cref="CreateHttpHandler"/>), disposed with it.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcClientOptions? options = null) =>
        new(new HttpClient(CreateHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan }, address, options, ownsHttpClient: true);

    /// <summary>
    /// The handler settings a gRPC channel wants: more than one HTTP/2 connection when
    /// a connection's concurrent-stream limit is reached (every open lease is a stream),
    /// and keep-alive pings so a dead peer is noticed on idle streams.
    /// </summary>
    public static SocketsHttpHandler CreateHttpHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
    };

    /// <summary>Makes a unary call.</summary>
    /// <exception cref="RpcException">The call did not end with OK.</exception>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        using var call = new ClientCall<TResponse>(this, method.Path, request, GrpcMethod<TRequest, TResponse>.ResponseParser, options);
        await call.StartAsync();
        var response = await call.ReadNextAsync(CancellationToken.None)
            ?? throw new RpcException(StatusCode.Internal, "Failed to deserialize response message: the server sent no message.");
        if (await call.ReadNextAsync(CancellationToken.None) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The server sent more than one message for a unary call.");
        }

        return response;
    }

    /// <summary>
    /// Starts a server-streaming call. The call is under way when this returns; read it with
    /// <see cref="ServerStreamingCall{TResponse}.ReadAllAsync"/> and dispose it to end it early.
    /// </summary>
    public ServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        return new ServerStreamingCall<TResponse>(new ClientCall<TResponse>(this, method.Path, request, GrpcMethod<TRequest, TResponse>.ResponseParser, options));
    }

    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            HttpClient.Dispose();
        }
    }
}

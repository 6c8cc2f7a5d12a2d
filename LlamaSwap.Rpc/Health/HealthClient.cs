using LlamaSwap.Rpc.Client;

namespace LlamaSwap.Rpc.Health.V1;

/// <summary>Client of the standard <c>grpc.health.v1.Health</c> service.</summary>
public sealed class HealthClient(GrpcChannel channel)
{
    /// <summary>The status of <paramref name="service"/> ("" = the server as a whole). Set a deadline: a hung server must not hang the caller.</summary>
    /// <exception cref="RpcException">NOT_FOUND for a service the server does not know.</exception>
    public Task<HealthCheckResponse> CheckAsync(string service = "", CallOptions options = default) =>
        channel.UnaryAsync(HealthService.CheckMethod, new HealthCheckRequest { Service = service }, options);

    /// <summary>The current status, then every change. UNIMPLEMENTED means "don't retry"; any other end means retry with backoff.</summary>
    public ServerStreamingCall<HealthCheckResponse> Watch(string service = "", CallOptions options = default) =>
        channel.ServerStreaming(HealthService.WatchMethod, new HealthCheckRequest { Service = service }, options);
}

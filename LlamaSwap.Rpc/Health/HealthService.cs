using LlamaSwap.Rpc.Server;
using System.Threading.Channels;
using ServingStatus = LlamaSwap.Rpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace LlamaSwap.Rpc.Health.V1;

/// <summary>
/// The standard <c>grpc.health.v1.Health</c> service (grpc/grpc doc/health-checking.md).
/// The service name <c>""</c> is the server as a whole and starts as SERVING; other names
/// are unknown until <see cref="SetStatus"/> registers them.
/// </summary>
public sealed class HealthService : IGrpcService
{
    /// <summary>The fully qualified service name, from the compiled contract.</summary>
    public static readonly string ServiceName = HealthReflection.Descriptor.Services[0].FullName;

    public static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> CheckMethod = new(GrpcMethodType.Unary, ServiceName, "Check");

    public static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> WatchMethod = new(GrpcMethodType.ServerStreaming, ServiceName, "Watch");

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [string.Empty] = ServingStatus.Serving };
    private readonly List<Watcher> _watchers = [];

    /// <summary>Sets (or registers) a service's status and notifies its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND, watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        lock (_gate)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    public ServingStatus? GetStatus(string service)
    {
        lock (_gate)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    void IGrpcService.Bind(GrpcServiceBinder binder) => binder
        .Unary(CheckMethod, CheckAsync)
        .ServerStreaming(WatchMethod, WatchAsync);

    internal Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        var status = GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"Service '{request.Service}' is not known to the health service.");
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    /// <summary>
    /// Sends the current status, then every change, until the client ends the call. Only the
    /// latest status matters to a watcher, so a slow reader skips intermediate ones.
    /// </summary>
    internal async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var watcher = new Watcher(request.Service);
        lock (_gate)
        {
            watcher.Updates.Writer.TryWrite(_statuses.TryGetValue(request.Service, out var current) ? current : ServingStatus.ServiceUnknown);
            _watchers.Add(watcher);
        }

        try
        {
            ServingStatus? last = null;
            await foreach (var status in watcher.Updates.Reader.ReadAllAsync(context.CancellationToken))
            {
                if (status != last)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                    last = status;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        foreach (var watcher in _watchers)
        {
            if (string.Equals(watcher.Service, service, StringComparison.Ordinal))
            {
                watcher.Updates.Writer.TryWrite(status);
            }
        }
    }

    private sealed class Watcher(string service)
    {
        public string Service { get; } = service;

        public Channel<ServingStatus> Updates { get; } = Channel.CreateBounded<ServingStatus>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    }
}

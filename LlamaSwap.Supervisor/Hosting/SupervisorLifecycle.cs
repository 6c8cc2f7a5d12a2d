using LlamaSwap.Rpc.Health.V1;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Metrics;
using LlamaSwap.Supervisor.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServingStatus = LlamaSwap.Rpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>
/// Starts and ends the Supervisor's work. It is registered after the leftover reaper (hosted services start in
/// order), so when it starts, leftovers of a crashed predecessor are gone: it reports SERVING (gRPC health and
/// <c>/health</c>) and runs the preload hook in the background. At shutdown it reports NOT_SERVING and stops every
/// upstream through the scheduler, within the host's shutdown timeout; what is still running past it is ended by
/// the upstreams' watchdogs when this process exits.
/// </summary>
internal sealed partial class SupervisorLifecycle(
    ModelScheduler scheduler,
    SupervisorConfiguration configuration,
    SupervisorEndpoints endpoints,
    HealthService health,
    SupervisorMeterCollector meters,
    SupervisorStateMetrics stateMetrics,
    IHostApplicationLifetime lifetime,
    ILogger<SupervisorLifecycle> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task _preload = Task.CompletedTask;
    private CancellationTokenRegistration _started;

    /// <summary>True between a completed start and the beginning of shutdown.</summary>
    public bool IsServing { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.Startup.Succeeded)
            throw new InvalidOperationException("the Supervisor cannot start without a valid configuration; check Startup before running the host");
        // Taking them as dependencies is what creates them: from here on every measurement is counted.
        GC.KeepAlive(meters);
        GC.KeepAlive(stateMetrics);
        SetHealth(ServingStatus.Serving);
        IsServing = true;
        _started = lifetime.ApplicationStarted.Register(() =>
            Log.Listening(logger, Describe(endpoints.HttpAddress), Describe(endpoints.GrpcAddress), configuration.Generation));
        lock (_gate)
            _preload = PreloadAsync();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IsServing = false;
        SetHealth(ServingStatus.NotServing);
        await _started.DisposeAsync();
        await _stopping.CancelAsync();
        Task preload;
        lock (_gate)
            preload = _preload;
        await preload;
        try
        {
            await scheduler.DisposeAsync().AsTask().WaitAsync(cancellationToken);
            Log.Stopped(logger);
        }
        catch (OperationCanceledException)
        {
            Log.StopTimedOut(logger);
        }
    }

    /// <summary>Runs the configuration's preload list again (after a reload, say); failures are logged by the scheduler.</summary>
    public void Preload()
    {
        lock (_gate)
            _preload = _preload.ContinueWith(_ => PreloadAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }

    private async Task PreloadAsync()
    {
        try
        {
            await Task.Yield();
            await scheduler.RunPreloadAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (SchedulerShutdownException)
        {
        }
    }

    private static string Describe(Uri? address) => address?.GetLeftPart(UriPartial.Authority) ?? "-";

    private void SetHealth(ServingStatus status)
    {
        health.SetStatus(string.Empty, status);
        health.SetStatus(SupervisorMethods.ServiceName, status);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "supervisor serving: HTTP {HttpAddress} (health, metrics), gRPC {GrpcAddress} (configuration generation {Generation})")]
        public static partial void Listening(ILogger logger, string httpAddress, string grpcAddress, ulong generation);

        [LoggerMessage(2, LogLevel.Information, "supervisor stopped: every upstream is stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(3, LogLevel.Error, "shutdown timeout reached while upstreams were still stopping; their watchdogs end them when this process exits")]
        public static partial void StopTimedOut(ILogger logger);
    }
}

using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Backends;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Supervision;

namespace LlamaSwap.Proxy.Events;

/// <summary>
/// Turns state changes into <c>/api/events</c> messages: <c>modelStatus</c> when the Supervisor reports a
/// state change, when an endpoint model enters or leaves the rotation, after every configuration reload, and on a
/// profile change (which also sends <c>profileChanged</c>). Activity rows, in-flight updates and log chunks are published by their owners.
/// </summary>
internal sealed partial class ManagementEventPump(
    EventHub hub, IProxyConfigProvider config, ActiveProfile profile, ISupervisorGateway gateway,
    TimeProvider time, ILogger<ManagementEventPump> logger, EndpointHealthMonitor? endpoints = null) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        config.Changed += OnConfigChanged;
        profile.Changed += OnProfileChanged;
        if (endpoints is not null)
            endpoints.HealthChanged += OnHealthChanged;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        config.Changed -= OnConfigChanged;
        profile.Changed -= OnProfileChanged;
        if (endpoints is not null)
            endpoints.HealthChanged -= OnHealthChanged;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in gateway.WatchAsync(stoppingToken).ConfigureAwait(false))
                    hub.BroadcastModelStatus(force: false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogWatchFailed(logger, ex.Message);
            }

            try
            {
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnConfigChanged(LlamaSwapConfig current) => hub.BroadcastModelStatus(force: true);

    private void OnHealthChanged() => hub.BroadcastModelStatus(force: false);

    private void OnProfileChanged(string? name)
    {
        LogProfileChanged(logger, name ?? "");
        hub.Broadcast(hub.ProfileChanged());
        hub.BroadcastModelStatus(force: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "active profile changed to \"{Profile}\"")]
    private static partial void LogProfileChanged(ILogger logger, string profile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching the Supervisor's model states failed: {Reason}; retrying")]
    private static partial void LogWatchFailed(ILogger logger, string reason);
}

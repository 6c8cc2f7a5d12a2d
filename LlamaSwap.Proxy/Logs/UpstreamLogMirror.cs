using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// Keeps one <c>StreamLogs("upstream")</c> call open to the Supervisor and writes what arrives into the
/// <c>upstream</c> feed, so every reader of upstream logs here (the <c>/logs</c> routes, <c>/api/events</c>)
/// shares one call. The first call takes the Supervisor's history; after a lost connection the call is made
/// again without it, so nothing already mirrored is repeated.
/// </summary>
internal sealed partial class UpstreamLogMirror(
    ISupervisorGateway gateway, LogFeeds feeds, TimeProvider time, ILogger<UpstreamLogMirror> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mirrored = false;
        var delay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = gateway.Client.StreamLogs(
                    new StreamLogsRequest { Source = LogFeeds.UpstreamSource, NoHistory = mirrored },
                    new LlamaSwap.Rpc.Client.CallOptions(CancellationToken: stoppingToken));
                await foreach (var chunk in call.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    mirrored = true;
                    delay = FirstRetryDelay;
                    if (chunk.DroppedBytes > 0)
                        feeds.WriteUpstream(LogStreamSink.DroppedMarker((long)chunk.DroppedBytes));
                    feeds.WriteUpstream(chunk.Data.Span);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogStreamLost(logger, ex.StatusCode, ex.Detail);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream log stream from the Supervisor ended ({Code}: {Detail}); reconnecting")]
    private static partial void LogStreamLost(ILogger logger, StatusCode code, string detail);
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Supervision;

/// <summary>
/// Keeps one <c>WatchState</c> call open for the Proxy's lifetime. When it fails or ends (the Supervisor
/// restarted, the network dropped) it reconnects with exponential backoff, so a restarted Supervisor is
/// picked up without restarting the Proxy. Every snapshot goes to <see cref="Latest"/> and to each
/// <see cref="WatchAsync"/> reader; a slow reader only ever misses intermediate snapshots.
/// </summary>
internal sealed partial class SupervisorGateway(
    SupervisorClient client, SupervisorAddress address, TimeProvider timeProvider, ILogger<SupervisorGateway> logger)
    : ISupervisorGateway, IHostedService, IAsyncDisposable
{
    internal static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _readersLock = new();
    private readonly List<Channel<StateSnapshot>> _readers = [];
    private volatile StateSnapshot? _latest;
    private Task? _watching;

    public SupervisorClient Client => client;

    public StateSnapshot? Latest => _latest;

    /// <summary>Where the Supervisor is, for error messages.</summary>
    public Uri Address => address.Uri;

    /// <summary>True while a WatchState call is delivering snapshots.</summary>
    public bool Connected { get; private set; }

    public async IAsyncEnumerable<StateSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<StateSnapshot>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_readersLock)
        {
            _readers.Add(channel);
            if (_latest is { } latest)
                channel.Writer.TryWrite(latest);
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return snapshot;
        }
        finally
        {
            lock (_readersLock)
                _readers.Remove(channel);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watching = Task.Run(() => WatchLoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_watching is not null)
            await _watching.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <remarks>Idempotent: the container disposes the instance once per registration that exposes it.</remarks>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_watching is not null)
            await _watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchLoopAsync(CancellationToken stopping)
    {
        var backoff = InitialBackoff;
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using var call = client.WatchState(options: new CallOptions(CancellationToken: stopping));
                while (await call.MoveNextAsync(stopping).ConfigureAwait(false))
                {
                    if (!Connected)
                    {
                        Connected = true;
                        backoff = InitialBackoff;
                        failures = 0;
                        LogConnected(logger, address.Uri, call.Current.Host?.HostName ?? "", call.Current.Models.Count);
                    }

                    Publish(call.Current);
                }

                LogStreamEnded(logger, address.Uri);
            }
            catch (RpcException e) when (!stopping.IsCancellationRequested)
            {
                // Logged when the link drops and then rarely, so a Supervisor that is down for long does not flood the log.
                if (Connected || failures == 0 || failures % 20 == 0)
                    LogWatchFailed(logger, address.Uri, e.StatusCode, e.Detail);
                failures++;
            }
            catch (RpcException)
            {
                break;
            }

            Connected = false;
            try
            {
                await Task.Delay(backoff, timeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }

        Connected = false;
    }

    private void Publish(StateSnapshot snapshot)
    {
        lock (_readersLock)
        {
            _latest = snapshot;
            foreach (var reader in _readers)
                reader.Writer.TryWrite(snapshot);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "connected to the Supervisor at {Address} ({HostName}, {Models} models)")]
    private static partial void LogConnected(ILogger logger, Uri address, string hostName, int models);

    [LoggerMessage(2, LogLevel.Warning, "the Supervisor at {Address} ended the state stream; reconnecting")]
    private static partial void LogStreamEnded(ILogger logger, Uri address);

    [LoggerMessage(3, LogLevel.Warning, "no state stream from the Supervisor at {Address} ({Code}: {Detail}); retrying")]
    private static partial void LogWatchFailed(ILogger logger, Uri address, StatusCode code, string detail);
}

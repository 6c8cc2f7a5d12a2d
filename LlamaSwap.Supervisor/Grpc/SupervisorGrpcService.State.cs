using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Supervisor.Grpc;

internal sealed partial class SupervisorGrpcService
{
    /// <summary>
    /// How often WatchState sends a change that only moves counts (leases, waiting requests, queue length, TTL
    /// deadline, last use). Every proxied request changes them twice; sending each change would cost every
    /// watcher (the Proxy, the AppHost) a message per change.
    /// </summary>
    internal static readonly TimeSpan CountsOnlyInterval = TimeSpan.FromMilliseconds(100);

    public override Task<StateSnapshot> GetState(GetStateRequest request, ServerCallContext context) =>
        Task.FromResult(BuildState(scheduler.GetSnapshot()));

    /// <summary>
    /// The current state, then a new one whenever the scheduler publishes a change or a reload changes the
    /// configuration generation. A slow reader gets the latest state, never a backlog. A change of state (a
    /// model starting, ready, stopping, a pid, an error, a reload) goes out at once; a change of counts only goes
    /// out at most once per <see cref="CountsOnlyInterval"/>, and always eventually: the latest counts are sent
    /// when the interval has passed.
    /// </summary>
    public override async Task WatchState(WatchStateRequest request, IServerStreamWriter<StateSnapshot> responseStream, ServerCallContext context)
    {
        // Its own token: every way out cancels the read still pending, so the enumerator can be disposed.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var cancellationToken = watching.Token;
        var snapshots = scheduler.WatchAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        Task<bool>? nextSnapshot = null;
        try
        {
            if (!await snapshots.MoveNextAsync())
                return;
            var latest = snapshots.Current;
            nextSnapshot = snapshots.MoveNextAsync().AsTask();
            var generation = configuration.Generation;
            var nextReload = configuration.WaitForChangeAsync(generation, cancellationToken);
            while (true)
            {
                await responseStream.WriteAsync(BuildState(latest, generation), context.CancellationToken, cancellationToken);
                var sent = latest;
                var sentAt = time.GetTimestamp();
                Task? countsDue = null;
                while (true)
                {
                    var changed = countsDue is null
                        ? await Task.WhenAny(nextSnapshot, nextReload)
                        : await Task.WhenAny(nextSnapshot, nextReload, countsDue);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (changed == nextSnapshot)
                    {
                        // False: the scheduler has stopped, the Supervisor is shutting down.
                        if (!await nextSnapshot)
                        {
                            if (!ReferenceEquals(latest, sent))
                                await responseStream.WriteAsync(BuildState(latest, generation), context.CancellationToken, cancellationToken);
                            return;
                        }

                        latest = snapshots.Current;
                        nextSnapshot = snapshots.MoveNextAsync().AsTask();
                        var wait = CountsOnlyInterval - time.GetElapsedTime(sentAt);
                        if (OnlyCountsDiffer(sent, latest) && wait > TimeSpan.Zero)
                        {
                            countsDue ??= Task.Delay(wait, time, cancellationToken);
                            continue;
                        }
                    }
                    else if (changed == nextReload)
                    {
                        // A generation is bumped once the scheduler has applied it: the state to send with it is the
                        // scheduler's current one, not a snapshot still waiting in the watch (it may predate the reload).
                        generation = configuration.Generation;
                        nextReload = configuration.WaitForChangeAsync(generation, cancellationToken);
                        latest = scheduler.GetSnapshot();
                    }

                    break;
                }
            }
        }
        finally
        {
            await watching.CancelAsync();
            if (nextSnapshot is not null)
                await Task.WhenAny(nextSnapshot);
            await snapshots.DisposeAsync();
        }
    }

    /// <summary>True when <paramref name="next"/> differs from <paramref name="sent"/> in counts only (see <see cref="CountsOnlyInterval"/>).</summary>
    internal static bool OnlyCountsDiffer(SchedulerSnapshot sent, SchedulerSnapshot next)
    {
        if (sent.ShuttingDown != next.ShuttingDown || sent.Models.Length != next.Models.Length)
            return false;
        for (var i = 0; i < sent.Models.Length; i++)
        {
            var (a, b) = (sent.Models[i], next.Models[i]);
            if (a.ModelId != b.ModelId || a.State != b.State || a.Pid != b.Pid || a.Port != b.Port || a.LastError != b.LastError)
                return false;
        }

        return true;
    }

    private StateSnapshot BuildState(SchedulerSnapshot snapshot, ulong? generation = null) =>
        StateMessages.Snapshot(snapshot, configuration.Current, generation ?? configuration.Generation, identity.ToMessage(), time.GetUtcNow());
}

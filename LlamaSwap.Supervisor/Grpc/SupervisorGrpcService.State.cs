using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Supervisor.Grpc;

internal sealed partial class SupervisorGrpcService
{
    public override Task<StateSnapshot> GetState(GetStateRequest request, ServerCallContext context) =>
        Task.FromResult(BuildState(scheduler.GetSnapshot()));

    /// <summary>
    /// The current state, then a new one whenever the scheduler publishes a change or a reload changes the
    /// configuration generation. A slow reader gets the latest state, never a backlog.
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
                var changed = await Task.WhenAny(nextSnapshot, nextReload);
                cancellationToken.ThrowIfCancellationRequested();
                if (changed == nextSnapshot)
                {
                    // False: the scheduler has stopped, the Supervisor is shutting down.
                    if (!await nextSnapshot)
                        return;
                    latest = snapshots.Current;
                    nextSnapshot = snapshots.MoveNextAsync().AsTask();
                }
                else
                {
                    generation = configuration.Generation;
                    nextReload = configuration.WaitForChangeAsync(generation, cancellationToken);
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

    private StateSnapshot BuildState(SchedulerSnapshot snapshot, ulong? generation = null) =>
        StateMessages.Snapshot(snapshot, configuration.Current, generation ?? configuration.Generation, identity.ToMessage(), time.GetUtcNow());
}

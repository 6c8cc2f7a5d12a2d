using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using LlamaSwap.Configuration;

namespace LlamaSwap.Supervisor.Scheduling;

// State leaves the loop only as immutable snapshots, published after each batch of commands.
internal sealed partial class ModelScheduler
{
    private volatile SnapshotNode _latest;

    /// <summary>The configuration last applied, for readers outside the loop (e.g. preload).</summary>
    private volatile LlamaSwapConfig _currentConfig;

    /// <summary>The latest published state. Advisory: decisions are made only inside the loop.</summary>
    public SchedulerSnapshot GetSnapshot() => _latest.Snapshot;

    /// <summary>
    /// The current snapshot, then each later one. A slow reader skips intermediate snapshots and always
    /// gets the newest, so it never holds the loop up. Ends when cancelled or when the scheduler stops.
    /// </summary>
    public async IAsyncEnumerable<SchedulerSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var node = _latest;
        yield return node.Snapshot;
        while (true)
        {
            var next = await node.Next.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (next is null)
                yield break;
            node = _latest;
            yield return node.Snapshot;
        }
    }

    private void Publish()
    {
        var previous = _latest;
        var snapshot = BuildSnapshot(previous.Snapshot.Version + 1);
        var ended = _shuttingDown && AllSlots().All(s => s.Phase == ModelState.Stopped);
        if (SameState(previous.Snapshot, snapshot))
        {
            if (ended)
                previous.Next.TrySetResult(null);
            return;
        }

        var node = new SnapshotNode(snapshot);
        _latest = node;
        previous.Next.TrySetResult(node);
        if (ended)
            node.Next.TrySetResult(null);
    }

    private SchedulerSnapshot BuildSnapshot(long version)
    {
        var now = Now;
        var models = AllSlots()
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new ModelSnapshot(
                s.Id,
                s.Phase,
                s.Pid,
                s.Config.Port,
                s.Leases.Count,
                s.Pending,
                s.TtlDeadline,
                s.TtlDeadline - now,
                s.LastUsed,
                now < s.CooldownUntil ? s.LastFailure : null));
        return new SchedulerSnapshot(version, now, [.. models], _queue.Count, _shuttingDown);
    }

    private static bool SameState(SchedulerSnapshot a, SchedulerSnapshot b) =>
        a.QueueLength == b.QueueLength
        && a.ShuttingDown == b.ShuttingDown
        && a.Models.Length == b.Models.Length
        && a.Models.Zip(b.Models).All(p => p.First with { TtlRemaining = null } == p.Second with { TtlRemaining = null });

    /// <summary>One published snapshot and a promise of the next (null once the scheduler has stopped).</summary>
    private sealed class SnapshotNode(SchedulerSnapshot snapshot)
    {
        public SchedulerSnapshot Snapshot { get; } = snapshot;

        public TaskCompletionSource<SnapshotNode?> Next { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

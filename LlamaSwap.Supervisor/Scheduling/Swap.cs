using System.Collections.Immutable;
using System.Diagnostics;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// Making room for <see cref="Target"/> and starting it: stop every evicted model, wait until they and
/// the target are stopped, start the target, answer all waiters. Owned by the loop.
/// </summary>
internal sealed class Swap(ModelSlot target, ImmutableArray<ModelSlot> evict, Activity? activity, long startedTimestamp)
{
    public ModelSlot Target { get; } = target;

    public ImmutableArray<ModelSlot> Evict { get; } = evict;

    public List<Ticket> Waiters { get; } = [];

    public Activity? Activity { get; } = activity;

    public long StartedTimestamp { get; } = startedTimestamp;

    /// <summary>When the evictions finished and the start began; null while still stopping.</summary>
    public long? StartPhaseTimestamp { get; set; }

    /// <summary>The latest progress, replayed to requests that join later.</summary>
    public AcquireProgress Progress { get; set; } = new AcquireProgress.Starting([.. evict.Select(e => e.Id)]);

    /// <summary>Another request's plan collides with this swap when it would touch a model this swap owns.</summary>
    public bool CollidesWith(ModelSlot target, ImmutableArray<ModelSlot> evict) =>
        Evict.Contains(target) || evict.Contains(Target) || evict.Any(Evict.Contains);

    public override string ToString() => $"swap to {Target.Id} evicting [{string.Join(",", Evict.Select(e => e.Id))}]";
}

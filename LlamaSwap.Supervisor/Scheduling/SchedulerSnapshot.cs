using System.Collections.Immutable;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>The scheduler's state at one moment, published by its loop; immutable.</summary>
/// <param name="Version">Increases with every published change.</param>
/// <param name="QueueLength">Requests waiting in the queue (not counting those waiting on a start).</param>
internal sealed record SchedulerSnapshot(
    long Version,
    DateTimeOffset At,
    ImmutableArray<ModelSnapshot> Models,
    int QueueLength,
    bool ShuttingDown)
{
    public ModelSnapshot? this[string modelId] => Models.FirstOrDefault(m => m.ModelId == modelId);
}

/// <param name="Leases">Requests being served now.</param>
/// <param name="Waiting">Admitted requests not yet served: queued, or waiting for the model to start.</param>
/// <param name="TtlExpiresAt">When the idle model will be unloaded, if its TTL clock runs.</param>
/// <param name="TtlRemaining">
/// <paramref name="TtlExpiresAt"/> relative to the snapshot's <see cref="SchedulerSnapshot.At"/>. Snapshots are
/// published on changes only, so readers that show a live countdown compute it from <paramref name="TtlExpiresAt"/>.
/// </param>
/// <param name="LastUsed">When its last lease ended, or when it became ready; null before it ever ran.</param>
/// <param name="LastError">The reason of the last failed start while requests still fail fast with it.</param>
internal sealed record ModelSnapshot(
    string ModelId,
    ModelState State,
    int? Pid,
    int? Port,
    int Leases,
    int Waiting,
    DateTimeOffset? TtlExpiresAt,
    TimeSpan? TtlRemaining,
    DateTimeOffset? LastUsed,
    string? LastError);

/// <param name="Error">Why the preload failed; null on success.</param>
internal sealed record PreloadResult(string ModelId, string? Error)
{
    public bool Succeeded => Error is null;
}

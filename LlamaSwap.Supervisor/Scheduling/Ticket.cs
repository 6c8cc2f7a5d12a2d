using System.Diagnostics;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// One acquire request from admission until it is answered. The result is completed exactly once:
/// by the loop (lease or error) or by the caller's cancellation, whichever comes first; the loop
/// counts a lease only when its hand-off succeeded.
/// </summary>
internal sealed class Ticket(string requestedModel, IProgress<AcquireProgress>? progress, ActivityContext trace)
{
    private readonly TaskCompletionSource<Lease> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string RequestedModel { get; } = requestedModel;

    /// <summary>The caller's acquire span, parent of the swap this request may start.</summary>
    public ActivityContext Trace { get; } = trace;

    public Task<Lease> Result => _result.Task;

    // Loop-owned from here on.

    public ModelSlot? Slot { get; private set; }

    public int Priority { get; private set; }

    public DateTimeOffset AdmittedAt { get; private set; }

    public long AdmittedTimestamp { get; private set; }

    /// <summary>The swap this request waits on, once it joined or started one.</summary>
    public Swap? Swap { get; set; }

    /// <summary>Answered (or abandoned by its caller) and accounted for; nothing may touch it again.</summary>
    public bool Settled { get; set; }

    public int ReportedPosition { get; set; }

    public void Admit(ModelSlot slot, int priority, DateTimeOffset now, long timestamp)
    {
        Slot = slot;
        Priority = priority;
        AdmittedAt = now;
        AdmittedTimestamp = timestamp;
    }

    public bool TryGrant(Lease lease) => _result.TrySetResult(lease);

    public bool TryFail(Exception error) => _result.TrySetException(error);

    public bool TryCancel(CancellationToken cancellationToken) => _result.TrySetCanceled(cancellationToken);

    /// <summary>
    /// Progress handlers run on the loop; they must be quick (e.g. <see cref="Progress{T}"/> or a channel
    /// write). A throwing handler loses its update, never the loop.
    /// </summary>
    public void Report(AcquireProgress update)
    {
        if (Settled || progress is null)
            return;
        try
        {
            progress.Report(update);
        }
#pragma warning disable CA1031 // A caller's handler must not be able to break the scheduler loop.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public override string ToString() => $"{RequestedModel} #{GetHashCode():x}";
}

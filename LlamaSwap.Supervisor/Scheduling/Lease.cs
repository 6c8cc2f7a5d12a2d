namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// Permission to send requests to a ready model. While any lease on a model is open the scheduler
/// never stops it for a swap or a TTL. Dispose it when the request is done: the first dispose
/// releases it, later ones do nothing.
/// </summary>
internal sealed class Lease : IDisposable, IAsyncDisposable
{
    private readonly CancellationTokenSource _revoked = new();
    private readonly Action<Lease> _release;
    private int _released;

    internal Lease(ModelSlot slot, Action<Lease> release)
    {
        Slot = slot;
        ModelId = slot.Id;
        UpstreamBaseUrl = slot.Config.Proxy;
        Pid = slot.Pid;
        _release = release;
    }

    public string ModelId { get; }

    /// <summary>Where to forward requests (the model's <c>proxy</c>).</summary>
    public string UpstreamBaseUrl { get; }

    public int? Pid { get; }

    /// <summary>
    /// Cancelled when the process behind this lease goes away before the lease is released: it
    /// crashed, or a hard unload or shutdown stopped it. The lease needs no release after that
    /// (releasing is still harmless).
    /// </summary>
    public CancellationToken Revoked => _revoked.Token;

    /// <summary>Why the lease was revoked, set before <see cref="Revoked"/> fires; null while it is not.</summary>
    public LeaseEndReason? EndReason { get; private set; }

    internal ModelSlot Slot { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
            _release(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Signals revocation without running the holders' callbacks on the caller's thread.</summary>
    internal void Revoke(LeaseEndReason reason)
    {
        EndReason ??= reason;
        _ = _revoked.CancelAsync();
    }
}

/// <summary>Why the scheduler ended a lease its holder had not released.</summary>
internal enum LeaseEndReason
{
    /// <summary>The upstream process exited on its own (crashed).</summary>
    ProcessExited,

    /// <summary>A hard unload stopped the model.</summary>
    Unloaded,

    /// <summary>The Supervisor is shutting down.</summary>
    Shutdown,

    /// <summary>The process was stopped for another reason while the lease was still counted.</summary>
    Stopped,
}

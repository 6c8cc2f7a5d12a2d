using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>Keeps every Acquire event in arrival order (synchronously, unlike <see cref="Progress{T}"/>).</summary>
internal sealed class RecordingProgress : IProgress<AcquireEvent>
{
    private readonly Lock _gate = new();
    private readonly List<AcquireEvent> _events = [];
    private readonly TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<AcquireEvent> Events
    {
        get
        {
            lock (_gate)
                return [.. _events];
        }
    }

    /// <summary>Completes at the first Queued event.</summary>
    public Task Queued => _queued.Task;

    public IReadOnlyList<AcquireEvent.EventOneofCase> Kinds => [.. Events.Select(e => e.EventCase)];

    public void Report(AcquireEvent value)
    {
        lock (_gate)
            _events.Add(value);
        if (value.EventCase == AcquireEvent.EventOneofCase.Queued)
            _queued.TrySetResult();
    }
}

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>
/// Counts calls inside the transport (from accepting the request until the status is
/// written), so tests and shutdown can prove that no call outlives its stream.
/// </summary>
internal sealed class GrpcCallTracker
{
    private readonly Lock _gate = new();
    private int _active;
    private TaskCompletionSource? _idle;

    public int ActiveCalls => Volatile.Read(ref _active);

    public void Enter()
    {
        lock (_gate)
        {
            _active++;
        }
    }

    public void Exit()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            _active--;
            if (_active == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>Completes when no call is active (immediately if none is).</summary>
    public Task WaitForIdleAsync()
    {
        lock (_gate)
        {
            if (_active == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }
}

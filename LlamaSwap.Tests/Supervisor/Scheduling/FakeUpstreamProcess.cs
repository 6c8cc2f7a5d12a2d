using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Processes;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>
/// A process whose start and stop complete when the test says so (or at once, or after a hook), and
/// which records its life on the factory's <see cref="ProcessTimeline"/>.
/// </summary>
internal sealed class FakeUpstreamProcess(FakeUpstreamProcessFactory factory, ModelConfig config, int pid) : IUpstreamProcess
{
    private readonly TaskCompletionSource _startGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _startCalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TimeSpan> _stopCalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lifeGate = new();
    private int _alive;
    private int _disposed;
    private int _startCalls;

    public string ModelId => Config.Id;

    public ModelConfig Config { get; } = config;

    public int? Pid { get; private set; }

    public Task<int> Exited => _exited.Task;

    public Task StartCalled => _startCalled.Task;

    /// <summary>Completes with the graceful window the scheduler passed.</summary>
    public Task<TimeSpan> StopCalled => _stopCalled.Task;

    public bool IsAlive => Volatile.Read(ref _alive) == 1;

    public bool IsDisposed => Volatile.Read(ref _disposed) == 1;

    public bool StartCancelled { get; private set; }

    public IProgress<UpstreamStartProgress>? Progress { get; private set; }

    public void CompleteStart() => _startGate.TrySetResult();

    public void FailStart(string reason) => _startGate.TrySetException(new UpstreamStartException(reason));

    public void CompleteStop() => _stopGate.TrySetResult();

    /// <summary>The process dies on its own.</summary>
    public void Crash(int exitCode = 139) => MarkDead(exitCode);

    public async Task StartAsync(IProgress<UpstreamStartProgress>? progress, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _startCalls) != 1)
            throw new InvalidOperationException($"{ModelId} pid {pid}: StartAsync called twice on one instance");
        Progress = progress;
        Pid = pid;
        lock (_lifeGate)
        {
            // Recorded together, so a concurrent crash sees either no process or a recorded one.
            factory.Timeline.Spawned(ModelId, pid);
            Volatile.Write(ref _alive, 1);
        }

        _startCalled.TrySetResult();
        progress?.Report(new UpstreamStartProgress(UpstreamStartPhase.Spawned, 0));
        try
        {
            if (factory.StartHook is { } hook)
                await hook(this, cancellationToken);
            else if (factory.ManualStart)
                await _startGate.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            StartCancelled = true;
            MarkDead(-1);
            throw;
        }
        catch (Exception)
        {
            MarkDead(1);
            throw;
        }

        if (!IsAlive)
            throw new UpstreamStartException("upstream command exited prematurely");
    }

    public async Task StopAsync(TimeSpan gracefulTimeout, CancellationToken cancellationToken)
    {
        _stopCalled.TrySetResult(gracefulTimeout);
        if (!IsAlive)
            return;
        if (factory.StopHook is { } hook)
            await hook(this, gracefulTimeout, cancellationToken);
        else if (factory.ManualStop)
            await _stopGate.Task.WaitAsync(cancellationToken);
        MarkDead(0);
    }

    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }

    private void MarkDead(int exitCode)
    {
        lock (_lifeGate)
        {
            if (Interlocked.Exchange(ref _alive, 0) != 1)
                return;
            factory.Timeline.Died(ModelId, pid);
        }

        _exited.TrySetResult(exitCode);
    }

    public override string ToString() => $"{ModelId} pid {pid}";
}

using System.Collections.Immutable;
using System.Threading.Channels;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Processes;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

internal sealed class FakeUpstreamProcessFactory : IUpstreamProcessFactory
{
    private readonly Lock _gate = new();
    private readonly List<FakeUpstreamProcess> _created = [];
    private readonly Channel<FakeUpstreamProcess> _spawned = Channel.CreateUnbounded<FakeUpstreamProcess>();
    private int _nextPid = 1000;

    public ProcessTimeline Timeline { get; } = new();

    /// <summary>Starts wait for <see cref="FakeUpstreamProcess.CompleteStart"/> (otherwise they succeed at once).</summary>
    public bool ManualStart { get; set; }

    /// <summary>Stops wait for <see cref="FakeUpstreamProcess.CompleteStop"/> (otherwise they finish at once).</summary>
    public bool ManualStop { get; set; }

    /// <summary>Replaces the start behaviour entirely (the storm test uses it).</summary>
    public Func<FakeUpstreamProcess, CancellationToken, Task>? StartHook { get; set; }

    /// <summary>Replaces the stop behaviour entirely; gets the graceful window.</summary>
    public Func<FakeUpstreamProcess, TimeSpan, CancellationToken, Task>? StopHook { get; set; }

    /// <summary>When set, <see cref="Create"/> throws this (a command that cannot even be prepared).</summary>
    public Exception? CreateFailure { get; set; }

    public ImmutableArray<FakeUpstreamProcess> Created
    {
        get
        {
            lock (_gate)
                return [.. _created];
        }
    }

    public int StartsOf(string model) => Created.Count(p => p.ModelId == model);

    public IUpstreamProcess Create(ModelConfig model)
    {
        if (CreateFailure is { } failure)
            throw failure;
        var process = new FakeUpstreamProcess(this, model, Interlocked.Increment(ref _nextPid));
        lock (_gate)
            _created.Add(process);
        _ = process.StartCalled.ContinueWith(_ => _spawned.Writer.TryWrite(process), TaskScheduler.Default);
        return process;
    }

    /// <summary>The next process whose start was called, in spawn order.</summary>
    public async Task<FakeUpstreamProcess> NextSpawnAsync() =>
        await _spawned.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeouts.Step);

    /// <summary>True when no spawn is waiting to be taken by <see cref="NextSpawnAsync"/>.</summary>
    public bool NoPendingSpawn => !_spawned.Reader.TryPeek(out _);
}

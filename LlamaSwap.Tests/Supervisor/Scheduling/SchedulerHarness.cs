using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>A scheduler over fake processes and a manual clock, with bounded waits on its published state.</summary>
internal sealed class SchedulerHarness : IAsyncDisposable
{
    public SchedulerHarness(LlamaSwapConfig config, SchedulerOptions? options = null, Action<FakeUpstreamProcessFactory>? setup = null)
    {
        setup?.Invoke(Processes);
        Scheduler = new ModelScheduler(config, Processes, Time, Log, options);
    }

    public ManualTimeProvider Time { get; } = new();

    /// <summary>Warnings and errors the scheduler logged.</summary>
    public ListLogger<ModelScheduler> Log { get; } = new(Microsoft.Extensions.Logging.LogLevel.Information);

    public FakeUpstreamProcessFactory Processes { get; } = new();

    public ModelScheduler Scheduler { get; }

    public static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public Task<Lease> Acquire(string model, IProgress<AcquireProgress>? progress = null) =>
        Scheduler.AcquireAsync(model, progress, TestToken);

    /// <summary>An acquire the test can cancel (linked to the test's own token).</summary>
    public Task<Lease> AcquireCancellable(string model, CancellationTokenSource cancellation) =>
        Scheduler.AcquireAsync(model, null, cancellation.Token);

    /// <summary>State after every command posted so far has been handled.</summary>
    public Task<SchedulerSnapshot> FlushAsync() => Scheduler.FlushAsync(TestToken).WaitAsync(Timeouts.Step, TestToken);

    public async Task<SchedulerSnapshot> WaitForAsync(Func<SchedulerSnapshot, bool> condition, string what)
    {
        SchedulerSnapshot? last = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        timeout.CancelAfter(Timeouts.Step);
        try
        {
            await foreach (var snapshot in Scheduler.WatchAsync(timeout.Token))
            {
                last = snapshot;
                if (condition(snapshot))
                    return snapshot;
            }
        }
        catch (OperationCanceledException) when (!TestToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"timed out waiting for {what}; last state: {Describe(last)}");
    }

    public Task<SchedulerSnapshot> WaitForStateAsync(string model, ModelState state) =>
        WaitForAsync(s => s[model]?.State == state, $"{model} to be {state}");

    public static string Describe(SchedulerSnapshot? snapshot) => snapshot is null
        ? "none"
        : string.Join("; ", snapshot.Models.Select(m => $"{m.ModelId}={m.State} leases={m.Leases} waiting={m.Waiting}"))
            + $"; queue={snapshot.QueueLength}";

    public async ValueTask DisposeAsync()
    {
        Processes.ManualStop = false;
        foreach (var process in Processes.Created)
            process.CompleteStop();
        await Scheduler.DisposeAsync().AsTask().WaitAsync(Timeouts.Step, CancellationToken.None);
        Assert.True(Scheduler.LoopFaults == 0, string.Join(Environment.NewLine, Log.Lines));
        Assert.All(Processes.Created, p => Assert.False(p.IsAlive, $"{p} still alive after shutdown"));
    }
}

using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>Processes that break their own deadlines must not wedge the scheduler.</summary>
public sealed class SafetyNetTests
{
    private static readonly SchedulerOptions Options = new() { AbandonGrace = TimeSpan.FromSeconds(5) };

    private static LlamaSwapConfig Config() =>
        TestConfigs.Config(new RoutingConfig(), Model("a") with { HealthCheckTimeout = TimeSpan.FromSeconds(20) }, Model("b"));

    [Fact]
    public async Task AStopThatNeverEndsIsAbandonedAfterItsGracefulWindowPlusTheGrace()
    {
        await using var h = new SchedulerHarness(Config(), Options, p => p.ManualStop = true);
        (await h.Acquire("a").Bounded()).Dispose();
        var stuck = h.Processes.Created[0];
        var next = h.Acquire("b");
        await stuck.StopCalled.Bounded();

        h.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(ModelState.Stopping, (await h.FlushAsync())["a"]!.State);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        (await next.Bounded()).Dispose();
        Assert.Contains(h.Log.Lines, l => l.StartsWith("Error: a did not stop cleanly", StringComparison.Ordinal));
        stuck.Crash();
    }

    [Fact]
    public async Task AStartPastItsHealthCheckTimeoutFailsWithTheDeadline()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new SchedulerHarness(Config(), Options, p => p.StartHook = (_, token) => gate.Task.WaitAsync(token));
        var waiter = h.Acquire("a");
        await h.Processes.NextSpawnAsync();

        h.Time.Advance(TimeSpan.FromSeconds(25));

        var error = await Assert.ThrowsAsync<ModelStartFailedException>(() => waiter.Bounded());
        Assert.Equal("not ready after 25 s", error.Reason);
        await h.WaitForStateAsync("a", ModelState.Stopped);
    }

    [Fact]
    public async Task AStartThatIgnoresCancellationIsAbandoned()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new SchedulerHarness(Config(), Options, p => p.StartHook = (_, _) => gate.Task);
        var waiter = h.Acquire("a");
        await h.Processes.NextSpawnAsync();

        h.Time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(1, (await h.FlushAsync())["a"]!.Waiting);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ModelStartFailedException>(() => waiter.Bounded());
        Assert.Equal("the start did not end within 30 s and was abandoned", error.Reason);
        await h.WaitForStateAsync("a", ModelState.Stopped);
        gate.SetResult();
    }
}

using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class ShutdownTests
{
    [Fact]
    public async Task ShutdownAnswersEveryWaiterEndsEveryLeaseAndStopsEveryProcess()
    {
        var h = new SchedulerHarness(OneAtATime("a", "b", "c"), setup: p => p.ManualStart = true);
        var onA = h.Acquire("a");
        (await h.Processes.NextSpawnAsync()).CompleteStart();
        var lease = await onA.Bounded();
        var queued = h.Acquire("b");
        await h.FlushAsync();
        var watch = h.Scheduler.WatchAsync(SchedulerHarness.TestToken).GetAsyncEnumerator(SchedulerHarness.TestToken);

        await h.DisposeAsync();

        await Assert.ThrowsAsync<SchedulerShutdownException>(() => queued.Bounded());
        Assert.True(lease.Revoked.IsCancellationRequested);
        Assert.Empty(h.Processes.Timeline.AliveModels);
        await Assert.ThrowsAsync<SchedulerShutdownException>(() => h.Acquire("a").Bounded());
        await Assert.ThrowsAsync<SchedulerShutdownException>(
            () => h.Scheduler.UnloadAsync(null, hard: true, SchedulerHarness.TestToken).Bounded());
        var seen = 0;
        while (await watch.MoveNextAsync().AsTask().Bounded())
            seen++;
        Assert.True(seen >= 1);
        await watch.DisposeAsync();
        lease.Dispose();
        await h.Scheduler.DisposeAsync().AsTask().Bounded();
    }

    [Fact]
    public async Task ShutdownAbortsAStartInProgress()
    {
        var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.ManualStart = true);
        var waiter = h.Acquire("a");
        var process = await h.Processes.NextSpawnAsync();

        await h.DisposeAsync();

        await Assert.ThrowsAsync<SchedulerShutdownException>(() => waiter.Bounded());
        Assert.True(process.StartCancelled);
        Assert.True(process.IsDisposed);
    }
}

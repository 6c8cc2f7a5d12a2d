using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class UnloadTests
{
    private static CancellationToken Token => SchedulerHarness.TestToken;

    [Fact]
    public async Task UnloadingAModelThatIsStartingAnswersItsWaitersAndAbortsTheStart()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.ManualStart = true);
        var waiter = h.Acquire("a");
        var process = await h.Processes.NextSpawnAsync();

        await h.Scheduler.UnloadAsync(["a"], hard: false, Token).Bounded();

        var error = await Assert.ThrowsAsync<ModelUnloadedException>(() => waiter.Bounded());
        Assert.Contains("\"a\" was unloaded", error.Message, StringComparison.Ordinal);
        Assert.True(process.StartCancelled);
        Assert.False(process.IsAlive);
        Assert.Equal(ModelState.Stopped, (await h.FlushAsync())["a"]!.State);
    }

    [Fact]
    public async Task AHardUnloadEndsOpenLeasesAndReturnsOnceStopped()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));
        var lease = await h.Acquire("a").Bounded();

        await h.Scheduler.UnloadAsync(["a"], hard: true, Token).Bounded();

        Assert.True(lease.Revoked.IsCancellationRequested);
        Assert.False(h.Processes.Created[0].IsAlive);
        var state = await h.FlushAsync();
        Assert.Equal((ModelState.Stopped, 0), (state["a"]!.State, state["a"]!.Leases));
        lease.Dispose();
    }

    [Fact]
    public async Task ASoftUnloadLetsOpenLeasesFinishAndHoldsNewRequestsUntilTheStop()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));
        var lease = await h.Acquire("a").Bounded();

        var unload = h.Scheduler.UnloadAsync(["a"], hard: false, Token);
        var later = h.Acquire("a");
        var state = await h.FlushAsync();

        Assert.Equal((ModelState.Ready, 1, 1), (state["a"]!.State, state["a"]!.Leases, state["a"]!.Waiting));
        Assert.False(lease.Revoked.IsCancellationRequested);
        lease.Dispose();
        await unload.Bounded();
        await using var fresh = await later.Bounded();
        Assert.Equal(h.Processes.Created[1].Pid, fresh.Pid);
    }

    [Fact]
    public async Task UnloadingEverythingStopsEveryModelAndWaitsForTheStops()
    {
        await using var h = new SchedulerHarness(MaxLoaded(2, "a", "b"), setup: p => p.ManualStop = true);
        (await h.Acquire("a").Bounded()).Dispose();
        (await h.Acquire("b").Bounded()).Dispose();

        var unload = h.Scheduler.UnloadAsync(null, hard: true, Token);
        foreach (var process in h.Processes.Created)
            await process.StopCalled.Bounded();
        var state = await h.FlushAsync();
        Assert.All(state.Models, m => Assert.Equal(ModelState.Stopping, m.State));
        h.Processes.Created[0].CompleteStop();
        Assert.Equal(ModelState.Stopping, (await h.FlushAsync())["b"]!.State);
        h.Processes.Created[1].CompleteStop();

        await unload.Bounded();
        Assert.Empty(h.Processes.Timeline.AliveModels);
    }

    [Fact]
    public async Task UnloadingAnUnknownModelSaysWhich()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));

        var error = await Assert.ThrowsAsync<UnknownModelException>(() => h.Scheduler.UnloadAsync(["a", "ghost"], hard: false, Token).Bounded());

        Assert.Equal("ghost", error.ModelId);
    }

    [Fact]
    public async Task AHardUnloadClearsAFailedStartsCooldown()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.ManualStart = true);
        var waiter = h.Acquire("a");
        (await h.Processes.NextSpawnAsync()).FailStart("out of memory");
        await Assert.ThrowsAsync<ModelStartFailedException>(() => waiter.Bounded());
        await h.WaitForStateAsync("a", ModelState.Stopped);

        await h.Scheduler.UnloadAsync(["a"], hard: true, Token).Bounded();
        var retry = h.Acquire("a");

        (await h.Processes.NextSpawnAsync()).CompleteStart();
        (await retry.Bounded()).Dispose();
    }

    [Fact]
    public async Task QueuedRequestsForAnUnloadedModelAreAnswered()
    {
        await using var h = new SchedulerHarness(OneAtATime("a", "b"));
        var onA = await h.Acquire("a").Bounded();
        var queued = h.Acquire("b");
        await h.FlushAsync();

        await h.Scheduler.UnloadAsync(["b"], hard: false, Token).Bounded();

        await Assert.ThrowsAsync<ModelUnloadedException>(() => queued.Bounded());
        Assert.Equal(0, (await h.FlushAsync()).QueueLength);
        onA.Dispose();
    }
}

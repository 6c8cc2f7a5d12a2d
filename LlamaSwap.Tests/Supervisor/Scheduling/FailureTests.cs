using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class FailureTests
{
    [Fact]
    public async Task AFailedStartAnswersEveryWaiterFailsFastDuringTheCooldownThenRetries()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.ManualStart = true);
        var waiters = new[] { h.Acquire("a"), h.Acquire("a") };
        var first = await h.Processes.NextSpawnAsync();

        first.FailStart("health check timed out after 120s");

        foreach (var waiter in waiters)
        {
            var error = await Assert.ThrowsAsync<ModelStartFailedException>(() => waiter.Bounded());
            Assert.Equal("health check timed out after 120s", error.Reason);
        }

        var stopped = await h.WaitForStateAsync("a", ModelState.Stopped);
        Assert.Equal("health check timed out after 120s", stopped["a"]!.LastError);
        var fast = await Assert.ThrowsAsync<ModelStartFailedException>(() => h.Acquire("a").Bounded());
        Assert.Contains("health check timed out", fast.Message, StringComparison.Ordinal);
        Assert.Single(h.Processes.Created);

        h.Time.Advance(TimeSpan.FromSeconds(2));
        var retry = h.Acquire("a");
        var second = await h.Processes.NextSpawnAsync();
        second.CompleteStart();
        await using var lease = await retry.Bounded();
        Assert.Equal(second.Pid, lease.Pid);
        Assert.Null((await h.FlushAsync())["a"]!.LastError);
    }

    [Fact]
    public async Task AFactoryThatThrowsIsAStartFailureNotALoopFault()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.CreateFailure = new InvalidOperationException("cmd: unterminated quote"));

        var error = await Assert.ThrowsAsync<ModelStartFailedException>(() => h.Acquire("a").Bounded());

        Assert.Equal("cmd: unterminated quote", error.Reason);
        Assert.Equal(ModelState.Stopped, (await h.FlushAsync())["a"]!.State);
    }

    [Fact]
    public async Task AnUnexpectedErrorFromAStartIsReportedAsItsReason()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.StartHook = (_, _) => throw new InvalidOperationException("pipe broke"));

        var error = await Assert.ThrowsAsync<ModelStartFailedException>(() => h.Acquire("a").Bounded());

        Assert.Equal("unexpected error: pipe broke", error.Reason);
        await h.WaitForStateAsync("a", ModelState.Stopped);
    }

    [Fact]
    public async Task AProcessExitingDuringItsStartFailsTheStart()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.ManualStart = true);
        var waiter = h.Acquire("a");
        var process = await h.Processes.NextSpawnAsync();

        process.Crash(1);
        process.CompleteStart();

        var error = await Assert.ThrowsAsync<ModelStartFailedException>(() => waiter.Bounded());
        Assert.Equal("upstream command exited prematurely", error.Reason);
    }

    [Fact]
    public async Task ACrashWhileReadyEndsItsLeasesAndTheNextRequestRestartsIt()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));
        var lease = await h.Acquire("a").Bounded();
        var first = Assert.Single(h.Processes.Created);

        first.Crash();

        await lease.Revoked.WhenCancelled().Bounded();
        var stopped = await h.WaitForStateAsync("a", ModelState.Stopped);
        Assert.Equal(0, stopped["a"]!.Leases);
        lease.Dispose();
        await using var again = await h.Acquire("a").Bounded();
        Assert.Equal(2, h.Processes.Created.Length);
        Assert.NotEqual(first.Pid, again.Pid);
        Assert.Equal(1, (await h.FlushAsync())["a"]!.Leases);
    }

    [Fact]
    public async Task ACrashDuringASwapWaitIsNotMistakenForTheEvictedStop()
    {
        await using var h = new SchedulerHarness(OneAtATime("a", "b"));
        var onA = await h.Acquire("a").Bounded();
        var b = h.Acquire("b");
        await h.FlushAsync();

        h.Processes.Created[0].Crash();

        await using var onB = await b.Bounded();
        Assert.True(onA.Revoked.IsCancellationRequested);
        Assert.Equal(1, h.Processes.Timeline.MaxAlive);
    }
}

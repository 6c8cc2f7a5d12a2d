using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class TtlTests
{
    private static LlamaSwapConfig WithTtl(params string[] ids) =>
        Config(new RoutingConfig(), [.. ids.Select(id => Model(id) with { Ttl = TimeSpan.FromSeconds(60), UnloadTimeout = TimeSpan.FromSeconds(7) })]);

    [Fact]
    public async Task AnIdleModelIsUnloadedWhenItsTtlRunsOutFromTheEndOfItsLastLease()
    {
        await using var h = new SchedulerHarness(WithTtl("a"));
        var first = await h.Acquire("a").Bounded();
        var second = await h.Acquire("a").Bounded();
        h.Time.Advance(TimeSpan.FromSeconds(10));
        first.Dispose();
        await h.FlushAsync();
        h.Time.Advance(TimeSpan.FromSeconds(40));
        second.Dispose();
        await h.FlushAsync();

        h.Time.Advance(TimeSpan.FromSeconds(59));
        var before = await h.FlushAsync();
        Assert.Equal(ModelState.Ready, before["a"]!.State);
        Assert.Equal(TimeSpan.FromSeconds(1), before["a"]!.TtlRemaining);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.WaitForStateAsync("a", ModelState.Stopped);
        Assert.Equal(TimeSpan.FromSeconds(7), await h.Processes.Created[0].StopCalled.Bounded());
    }

    [Fact]
    public async Task TheTtlNeverRunsWhileALeaseIsOpen()
    {
        await using var h = new SchedulerHarness(WithTtl("a"));
        var lease = await h.Acquire("a").Bounded();

        h.Time.Advance(TimeSpan.FromHours(2));
        var state = await h.FlushAsync();

        Assert.Equal(ModelState.Ready, state["a"]!.State);
        Assert.Null(state["a"]!.TtlExpiresAt);
        lease.Dispose();
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(60), (await h.FlushAsync())["a"]!.TtlExpiresAt);
    }

    [Fact]
    public async Task ATtlExpiringJustAfterARequestArrivedLeavesTheModelRunning()
    {
        await using var h = new SchedulerHarness(WithTtl("a"));
        (await h.Acquire("a").Bounded()).Dispose();
        await h.FlushAsync();

        // The acquire is posted before the timer's command, so the expiry meets a model that has a lease.
        var request = h.Acquire("a");
        h.Time.Advance(TimeSpan.FromSeconds(60));

        await using var lease = await request.Bounded();
        var state = await h.FlushAsync();
        Assert.Equal((ModelState.Ready, 1), (state["a"]!.State, state["a"]!.Leases));
        Assert.Single(h.Processes.Created);
        Assert.False(h.Processes.Created[0].StopCalled.IsCompleted);
    }

    [Fact]
    public async Task ARequestRacingATtlExpiryIsServedWhicheverWins()
    {
        await using var h = new SchedulerHarness(WithTtl("a"));
        (await h.Acquire("a").Bounded()).Dispose();
        await h.FlushAsync();

        h.Time.Advance(TimeSpan.FromSeconds(60));
        await using var lease = await h.Acquire("a").Bounded();

        var state = await h.FlushAsync();
        Assert.Equal((ModelState.Ready, 1), (state["a"]!.State, state["a"]!.Leases));
        Assert.Equal(h.Processes.Created[^1].Pid, lease.Pid);
    }

    [Fact]
    public async Task ARequestArrivingWhileItsModelStopsWaitsAndRestartsIt()
    {
        await using var h = new SchedulerHarness(WithTtl("a"), setup: p => p.ManualStop = true);
        (await h.Acquire("a").Bounded()).Dispose();
        await h.FlushAsync();
        h.Time.Advance(TimeSpan.FromSeconds(60));
        var first = h.Processes.Created[0];
        await first.StopCalled.Bounded();

        var request = h.Acquire("a");
        var state = await h.FlushAsync();
        Assert.Equal((ModelState.Stopping, 1), (state["a"]!.State, state["a"]!.Waiting));
        first.CompleteStop();

        await using var lease = await request.Bounded();
        Assert.Equal(2, h.Processes.Created.Length);
        Assert.Equal(h.Processes.Created[1].Pid, lease.Pid);
        Assert.Equal(["+a", "-a", "+a"], h.Processes.Timeline.Events);
    }

    [Fact]
    public async Task AModelWithoutTtlStaysLoaded()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));
        (await h.Acquire("a").Bounded()).Dispose();

        h.Time.Advance(TimeSpan.FromDays(3));

        var state = await h.FlushAsync();
        Assert.Equal(ModelState.Ready, state["a"]!.State);
        Assert.Null(state["a"]!.TtlExpiresAt);
    }
}

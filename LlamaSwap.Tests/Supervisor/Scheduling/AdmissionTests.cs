using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class AdmissionTests
{
    [Fact]
    public async Task ACancelledQueuedRequestLeavesAtOnceAndFreesItsSlot()
    {
        var config = Config(new RoutingConfig(), Model("a"), Model("b") with { ConcurrencyLimit = 1 });
        await using var h = new SchedulerHarness(config);
        var onA = await h.Acquire("a").Bounded();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(SchedulerHarness.TestToken);
        var queued = h.AcquireCancellable("b", cancellation);
        await Assert.ThrowsAsync<ModelOverCapacityException>(() => h.Acquire("b").Bounded());

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.Bounded());
        Assert.Equal(cancellation.Token, error.CancellationToken);
        var state = await h.FlushAsync();
        Assert.Equal((0, 0), (state["b"]!.Waiting, state.QueueLength));
        var next = h.Acquire("b");
        Assert.Equal(1, (await h.FlushAsync())["b"]!.Waiting);
        onA.Dispose();
        (await next.Bounded()).Dispose();
    }

    [Fact]
    public async Task ACancelledWaiterOnAStartLeavesWhileTheStartGoesOn()
    {
        var config = Config(new RoutingConfig(), Model("a") with { Ttl = TimeSpan.FromSeconds(30) });
        await using var h = new SchedulerHarness(config, setup: p => p.ManualStart = true);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(SchedulerHarness.TestToken);
        var waiting = h.AcquireCancellable("a", cancellation);
        var process = await h.Processes.NextSpawnAsync();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Bounded());
        Assert.Equal(0, (await h.FlushAsync())["a"]!.Waiting);
        process.CompleteStart();
        var ready = await h.WaitForStateAsync("a", ModelState.Ready);
        Assert.Equal(0, ready["a"]!.Leases);
        Assert.NotNull(ready["a"]!.TtlExpiresAt);
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenNeverReachesTheQueue()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.AcquireCancellable("a", cancellation).Bounded());

        Assert.Empty(h.Processes.Created);
    }

    [Fact]
    public async Task OverTheConcurrencyLimitIsRefusedAtOnceWithItsOwnError()
    {
        var config = Config(new RoutingConfig(), Model("a") with { ConcurrencyLimit = 2 });
        await using var h = new SchedulerHarness(config, setup: p => p.ManualStart = true);
        var first = h.Acquire("a");
        var second = h.Acquire("a");

        var refused = await Assert.ThrowsAsync<ModelOverCapacityException>(() => h.Acquire("a").Bounded());

        Assert.Equal(("a", 2), (refused.ModelId, refused.Limit));
        (await h.Processes.NextSpawnAsync()).CompleteStart();
        var leases = await Task.WhenAll(first, second).Bounded();
        await Assert.ThrowsAsync<ModelOverCapacityException>(() => h.Acquire("a").Bounded());
        leases[0].Dispose();
        (await h.Acquire("a").Bounded()).Dispose();
        leases[1].Dispose();
    }

    [Fact]
    public async Task ReleasingALeaseTwiceCountsOnce()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));
        var first = await h.Acquire("a").Bounded();
        var second = await h.Acquire("a").Bounded();

        first.Dispose();
        first.Dispose();
        await first.DisposeAsync();

        Assert.Equal(1, (await h.FlushAsync())["a"]!.Leases);
        second.Dispose();
        Assert.Equal(0, (await h.FlushAsync())["a"]!.Leases);
    }

    [Fact]
    public async Task AGrantThatLosesTheRaceWithTheCallersCancellationIsNotCounted()
    {
        // Continuations of this gate run inline, so completing it posts the start's outcome before the
        // cancellation below: the loop then grants a ticket its caller has already given up.
        var gate = new TaskCompletionSource();
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.StartHook = (_, token) => gate.Task.WaitAsync(token));
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(SchedulerHarness.TestToken);
        var waiter = h.AcquireCancellable("a", cancellation);
        await h.Processes.NextSpawnAsync();

        gate.SetResult();
#pragma warning disable CA1849 // Synchronous on purpose: the ticket must be cancelled before this line returns.
        cancellation.Cancel();
#pragma warning restore CA1849

        var granted = await waiter.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).Bounded();
        var state = await h.WaitForStateAsync("a", ModelState.Ready);
        Assert.Equal(granted is null ? 0 : 1, state["a"]!.Leases);
        granted?.Dispose();
        Assert.Equal(0, (await h.FlushAsync())["a"]!.Leases);
    }
}

using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>Two models that cannot run together (the default group): swaps, queueing, leases that hold swaps up.</summary>
public sealed class SwapTests
{
    private static readonly Func<IReadOnlyCollection<string>, string?> OneAtATime = UpstreamMonitor.AtMost(1);

    [Fact]
    public async Task TwoModelsOnOneSlotSwapAndAreNeverAliveTogether()
    {
        await using var host = await StartAsync(new TestConfig().Model("a").Model("b"), OneAtATime);

        int first;
        await using (var onA = await host.AcquireAsync("a"))
            first = onA.Ready.Pid;
        await using (var onB = await host.AcquireAsync("b"))
        {
            Assert.False(ProcessTable.IsAlive(first), "a must be gone before b is ready");
            Assert.Equal(host.Monitor.PidsOf("b").Single(), onB.Ready.Pid);
        }

        await using (var again = await host.AcquireAsync("a"))
            Assert.NotEqual(first, again.Ready.Pid);

        Assert.Empty(host.Monitor.Violations);
        Assert.Equal(1, host.Monitor.MaxAlive);
        var state = await host.Client.GetStateAsync(options: new CallOptions(CancellationToken: TestToken));
        Assert.Equal(ModelState.Stopped, Model(state, "b").State);
    }

    [Fact]
    public async Task FiftyInterleavedAcquiresOnOneSlotAreAllAnsweredAndNeverRunTogether()
    {
        var config = new TestConfig()
            .Model("a", ["--quiet"], "concurrencyLimit: 50")
            .Model("b", ["--quiet"], "concurrencyLimit: 50");
        await using var host = await StartAsync(config, OneAtATime);

        var requests = Enumerable.Range(0, 50).Select(i => ServeOneAsync(host, i % 2 == 0 ? "a" : "b")).ToList();
        var served = await Task.WhenAll(requests).WaitAsync(Bound, TestToken);

        Assert.All(served, s => Assert.Equal(s.Requested, s.AnsweredBy));
        Assert.Empty(host.Monitor.Violations);
        Assert.Equal(1, host.Monitor.MaxAlive);
        Assert.True(host.Monitor.Samples > 0);

        // Collation: requests for the running model are served together, so 50 alternating requests need few swaps.
        Assert.True(host.Monitor.Spawned.Count <= 10, $"{host.Monitor.Spawned.Count} starts for 50 interleaved requests");
    }

    [Fact]
    public async Task CancellingWhileQueuedLeavesTheQueueAtOnceAndStartsNothing()
    {
        await using var host = await StartAsync(new TestConfig().Model("a").Model("b"), OneAtATime);
        await using var onA = await host.AcquireAsync("a");

        var progress = new RecordingProgress();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var waiting = host.Client.AcquireAsync(new AcquireRequest { ModelId = "b" }, progress, new CallOptions(CancellationToken: cancel.Token));
        await progress.Queued.WaitAsync(Bound, TestToken);
        // The progress event and the published snapshot come from the same loop but not in one step.
        await host.WaitForStateAsync(s => Model(s, "b").Queued == 1, "b to be queued");

        await cancel.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<RpcException>(() => waiting);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        await host.WaitForStateAsync(s => Model(s, "b").Queued == 0, "b to leave the queue");

        await onA.DisposeAsync();
        await host.WaitForStateAsync(s => Model(s, "a").InFlightLeases == 0, "a's lease to end");
        var state = await host.Scheduler.FlushAsync(TestToken);
        Assert.Equal(LlamaSwap.Supervisor.Scheduling.ModelState.Ready, state["a"]!.State);
        Assert.Equal(0, host.Monitor.SpawnCount("b"));
    }

    [Fact]
    public async Task ASwapWaitsUntilTheLeaseOnTheRunningModelIsReleased()
    {
        await using var host = await StartAsync(new TestConfig().Model("a").Model("b"), OneAtATime);
        var onA = await host.AcquireAsync("a");

        var progress = new RecordingProgress();
        var forB = host.AcquireAsync("b", progress);
        await progress.Queued.WaitAsync(Bound, TestToken);
        var state = await host.Scheduler.FlushAsync(TestToken);
        Assert.Equal(LlamaSwap.Supervisor.Scheduling.ModelState.Ready, state["a"]!.State);
        Assert.Equal(LlamaSwap.Supervisor.Scheduling.ModelState.Stopped, state["b"]!.State);
        Assert.True(ProcessTable.IsAlive(onA.Ready.Pid));
        Assert.False(forB.IsCompleted);

        await onA.DisposeAsync();
        await using var onB = await forB;

        Assert.False(ProcessTable.IsAlive(onA.Ready.Pid));
        Assert.Equal(AcquireEvent.EventOneofCase.Queued, progress.Kinds[0]);
        Assert.Contains(AcquireEvent.EventOneofCase.Starting, progress.Kinds);
        Assert.Empty(host.Monitor.Violations);
    }

    [Fact]
    public async Task RequestsRacingTheTtlExpiryAreAllServed()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", ["--quiet"], "ttl: 1"), OneAtATime);
        var offsets = new[] { -30, 0, 30 };

        foreach (var offset in offsets)
        {
            await using (await host.AcquireAsync("a"))
            {
            }

            var idle = await host.WaitForStateAsync(s => Model(s, "a") is { State: ModelState.Ready, InFlightLeases: 0, TtlRemaining: not null }, "a idle with its TTL running");
            var expiresAt = idle.TakenAt.ToDateTimeOffset() + Model(idle, "a").TtlRemaining.ToTimeSpan();

            // The stimulus, not synchronisation: arrive just before, at, or just after the expiry.
            var arrival = expiresAt + TimeSpan.FromMilliseconds(offset) - DateTimeOffset.UtcNow;
            if (arrival > TimeSpan.Zero)
                await Task.Delay(arrival, TestToken);
            await using var lease = await host.AcquireAsync("a");
            Assert.True(ProcessTable.IsAlive(lease.Ready.Pid));
        }

        Assert.Empty(host.Monitor.Violations);
        Assert.Equal(1, host.Monitor.MaxAlive);
    }

    private static async Task<(string Requested, string AnsweredBy)> ServeOneAsync(SupervisorTestHost host, string model)
    {
        await using var lease = await host.AcquireAsync(model);
        using var http = UpstreamClient(lease.Ready.UpstreamBaseUrl);
        using var response = await http.GetAsync("/v1/models", TestToken);
        response.EnsureSuccessStatusCode();
        return (model, response.Headers.GetValues("X-Simulator-Model").Single());
    }
}

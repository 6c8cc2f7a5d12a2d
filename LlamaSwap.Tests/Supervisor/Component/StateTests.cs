using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Grpc;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

public sealed class StateTests
{
    [Fact]
    public async Task GetStateListsEveryConfiguredModelSortedWithItsLeasesTtlAndLastUse()
    {
        var config = new TestConfig().Model("c").Model("a", settings: "ttl: 30").Model("b");
        await using var host = await StartAsync(config);
        await using var lease = await host.AcquireAsync("a");

        var held = await host.Client.GetStateAsync(options: new CallOptions(CancellationToken: TestToken));
        await lease.DisposeAsync();
        var idle = await host.WaitForStateAsync(s => Model(s, "a").InFlightLeases == 0, "a idle");

        Assert.Equal(["a", "b", "c"], held.Models.Select(m => m.ModelId));
        Assert.Equal("test-host", held.Host.HostId);
        Assert.Equal(1ul, held.ConfigGeneration);
        var a = Model(held, "a");
        Assert.Equal(ModelState.Ready, a.State);
        Assert.Equal(1u, a.InFlightLeases);
        Assert.Null(a.TtlRemaining);
        Assert.Equal(lease.Ready.Pid, a.Pid);
        Assert.Equal(config.Ports["a"], a.Port);
        Assert.Equal($"http://127.0.0.1:{config.Ports["a"]}", a.UpstreamBaseUrl);
        var b = Model(held, "b");
        Assert.Equal(ModelState.Stopped, b.State);
        Assert.Equal(0, b.Pid);
        Assert.Equal("", b.UpstreamBaseUrl);
        Assert.Null(b.LastUsed);

        var idleA = Model(idle, "a");
        Assert.NotNull(idleA.TtlRemaining);
        Assert.InRange(idleA.TtlRemaining.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.NotNull(idleA.LastUsed);
        Assert.InRange(idleA.LastUsed.ToDateTimeOffset(), DateTimeOffset.UtcNow - Bound, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task WatchStateFollowsAModelFromStartingToReadyToStopped()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", ["--load-time", "300ms"]));
        var seen = new List<(ModelState State, uint Leases)>();
        using var watch = host.Client.WatchState(options: new CallOptions(CancellationToken: TestToken));
        Assert.True(await watch.MoveNextAsync(TestToken));
        Assert.Equal(ModelState.Stopped, Model(watch.Current, "a").State);

        var acquire = host.AcquireAsync("a");
        await ReadUntil(watch, seen, s => s is { State: ModelState.Ready, Leases: 1 });
        await (await acquire).DisposeAsync();
        await ReadUntil(watch, seen, s => s is { State: ModelState.Ready, Leases: 0 });
        _ = host.Client.UnloadAsync(new UnloadRequest { ModelIds = { "a" } }, new CallOptions(CancellationToken: TestToken));
        await ReadUntil(watch, seen, s => s.State == ModelState.Stopped);

        var states = seen.Select(s => s.State).Distinct().ToList();
        Assert.Equal(ModelState.Starting, states[0]);
        Assert.True(states.IndexOf(ModelState.Ready) > 0);
        Assert.Equal(ModelState.Stopped, states[^1]);
    }

    [Fact]
    public async Task WatchStateSendsLeaseCountChangesAtMostTenTimesASecondAndEndsWithTheFinalCounts()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));

        // Held throughout the cycles, so the count is never 0 until it is released at the end.
        var holder = await host.AcquireAsync("a");
        using var watch = host.Client.WatchState(options: new CallOptions(CancellationToken: TestToken));
        Assert.True(await watch.MoveNextAsync(TestToken));
        Assert.Equal(1u, Model(watch.Current, "a").InFlightLeases);
        var received = 0;
        var sawZero = Task.Run(
            async () =>
            {
                while (await watch.MoveNextAsync(TestToken))
                {
                    Interlocked.Increment(ref received);
                    if (Model(watch.Current, "a").InFlightLeases == 0)
                        return;
                }

                Assert.Fail("WatchState ended early");
            },
            TestToken);

        // Each cycle changes the lease count twice (1 → 2 → 1); sent one by one they would be 2 × cycles messages.
        const int Cycles = 60;
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < Cycles; i++)
            await (await host.AcquireAsync("a")).DisposeAsync();
        var duringCycles = Volatile.Read(ref received);
        var elapsed = started.Elapsed;
        await holder.DisposeAsync();

        await sawZero.WaitAsync(Bound, TestToken);
        var allowed = (int)(elapsed / SupervisorGrpcService.CountsOnlyInterval) + 2;
        Assert.InRange(duringCycles, 0, Math.Min(allowed, Cycles));
    }

    private static async Task ReadUntil(
        LlamaSwap.Rpc.Client.ServerStreamingCall<StateSnapshot> watch, List<(ModelState, uint)> seen, Func<(ModelState State, uint Leases), bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        bound.CancelAfter(Bound);
        while (await watch.MoveNextAsync(CancellationToken.None).AsTask().WaitAsync(bound.Token))
        {
            var a = Model(watch.Current, "a");
            seen.Add((a.State, a.InFlightLeases));
            if (condition((a.State, a.InFlightLeases)))
                return;
        }

        Assert.Fail("WatchState ended early");
    }
}

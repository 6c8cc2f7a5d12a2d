using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class AcquireAndSwapTests
{
    [Fact]
    public async Task AcquireStartsAStoppedModelAndLeasesItsUpstream()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));

        await using var lease = await h.Acquire("a").Bounded();

        var process = Assert.Single(h.Processes.Created);
        Assert.Equal("a", lease.ModelId);
        Assert.Equal(process.Pid, lease.Pid);
        Assert.Equal(Model("a").Proxy, lease.UpstreamBaseUrl);
        var state = (await h.FlushAsync())["a"]!;
        Assert.Equal(ModelState.Ready, state.State);
        Assert.Equal(1, state.Leases);
        Assert.Equal(process.Pid, state.Pid);
    }

    [Fact]
    public async Task AReadyModelIsLeasedWithoutAnotherStart()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));
        (await h.Acquire("a").Bounded()).Dispose();

        await using var second = await h.Acquire("a").Bounded();
        await using var third = await h.Acquire("a").Bounded();

        Assert.Equal(1, h.Processes.StartsOf("a"));
        Assert.Equal(2, (await h.FlushAsync())["a"]!.Leases);
    }

    [Fact]
    public async Task AnAliasResolvesToItsModel()
    {
        var config = OneAtATime("a") with
        {
            Aliases = System.Collections.Immutable.ImmutableDictionary.CreateRange(
                StringComparer.Ordinal, [KeyValuePair.Create("fast", "a")]),
        };
        await using var h = new SchedulerHarness(config);

        await using var lease = await h.Acquire("fast").Bounded();

        Assert.Equal("a", lease.ModelId);
    }

    [Fact]
    public async Task AnUnknownModelIsRefused()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"));

        var error = await Assert.ThrowsAsync<UnknownModelException>(() => h.Acquire("nope").Bounded());

        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Processes.Created);
    }

    [Fact]
    public async Task ASwapStopsTheRunningModelBeforeStartingTheNextOne()
    {
        await using var h = new SchedulerHarness(OneAtATime("a", "b"), setup: p => p.ManualStop = true);
        (await h.Acquire("a").Bounded()).Dispose();
        var a = Assert.Single(h.Processes.Created);

        var b = h.Acquire("b");
        var graceful = await a.StopCalled.Bounded();

        Assert.Equal(TimeSpan.FromSeconds(10), graceful);
        Assert.Single(h.Processes.Created);
        Assert.Equal(ModelState.Stopping, (await h.FlushAsync())["a"]!.State);
        a.CompleteStop();
        await using var lease = await b.Bounded();
        Assert.Equal(1, h.Processes.Timeline.MaxAlive);
        Assert.Equal(["+a", "-a", "+b"], h.Processes.Timeline.Events);
    }

    [Fact]
    public async Task ASwapWaitsForTheLeasesOnTheModelItEvicts()
    {
        await using var h = new SchedulerHarness(OneAtATime("a", "b"));
        var onA = await h.Acquire("a").Bounded();

        var b = h.Acquire("b");
        var state = await h.FlushAsync();

        Assert.Equal(ModelState.Ready, state["a"]!.State);
        Assert.Equal(1, state["b"]!.Waiting);

        onA.Dispose();
        await using var lease = await b.Bounded();
        Assert.Equal("b", lease.ModelId);
        Assert.Equal(1, h.Processes.Timeline.MaxAlive);
    }

    [Fact]
    public async Task RequestsArrivingWhileAModelStartsShareOneStart()
    {
        await using var h = new SchedulerHarness(OneAtATime("a"), setup: p => p.ManualStart = true);

        var requests = Enumerable.Range(0, 5).Select(_ => h.Acquire("a")).ToArray();
        var process = await h.Processes.NextSpawnAsync();
        Assert.Equal(5, (await h.FlushAsync())["a"]!.Waiting);
        process.CompleteStart();
        var leases = await Task.WhenAll(requests).Bounded();

        Assert.Equal(1, h.Processes.StartsOf("a"));
        Assert.All(leases, l => Assert.Equal(process.Pid, l.Pid));
        foreach (var lease in leases)
            lease.Dispose();
    }

    [Fact]
    public async Task PreloadAndAFirstRequestAtTheSameMomentStartOneProcess()
    {
        var config = OneAtATime("a") with { Preload = ["a"] };
        await using var h = new SchedulerHarness(config, setup: p => p.ManualStart = true);

        var preload = h.Scheduler.RunPreloadAsync(SchedulerHarness.TestToken);
        var request = h.Acquire("a");
        var process = await h.Processes.NextSpawnAsync();
        process.CompleteStart();

        var results = await preload.Bounded();
        await using var lease = await request.Bounded();
        Assert.True(Assert.Single(results).Succeeded);
        Assert.Equal(1, h.Processes.StartsOf("a"));
    }

    [Fact]
    public async Task PreloadLoadsEachModelInTurnAndReportsUnknownOnes()
    {
        var config = MaxLoaded(2, "a", "b") with { Preload = ["a", "ghost", "b"] };
        await using var h = new SchedulerHarness(config);

        var results = await h.Scheduler.RunPreloadAsync(SchedulerHarness.TestToken).Bounded();

        Assert.Equal([true, false, true], results.Select(r => r.Succeeded));
        Assert.Equal(["a", "b"], h.Processes.Timeline.AliveModels);
        var state = await h.FlushAsync();
        Assert.All(state.Models, m => Assert.Equal((ModelState.Ready, 0), (m.State, m.Leases)));
        Assert.Contains(h.Log.Lines, l => l == "Warning: preload: model ghost is not a local model, skipping");
    }

    [Fact]
    public async Task ProgressReportsQueuePositionThenStartThenReadinessPolls()
    {
        await using var h = new SchedulerHarness(OneAtATime("a", "b"), setup: p => p.ManualStart = true);
        var first = h.Acquire("a");
        var a = await h.Processes.NextSpawnAsync();
        a.CompleteStart();
        var onA = await first.Bounded();
        var updates = new List<AcquireProgress>();
        var progress = new RecordingProgress(updates);

        var b = h.Acquire("b", progress);
        await h.FlushAsync();
        onA.Dispose();
        var spawned = await h.Processes.NextSpawnAsync();
        spawned.Progress!.Report(new LlamaSwap.Supervisor.Processes.UpstreamStartProgress(
            LlamaSwap.Supervisor.Processes.UpstreamStartPhase.WaitingForReady, 1));
        spawned.Progress!.Report(new LlamaSwap.Supervisor.Processes.UpstreamStartProgress(
            LlamaSwap.Supervisor.Processes.UpstreamStartPhase.WaitingForReady, 2));
        await h.FlushAsync();
        spawned.CompleteStart();
        (await b.Bounded()).Dispose();

        lock (updates)
        {
            Assert.Equal(
            [
                new AcquireProgress.Queued(1),
                new AcquireProgress.Starting(["a"]),
                new AcquireProgress.WaitingForReady(1),
                new AcquireProgress.WaitingForReady(2),
            ],
            updates);
        }
    }

    [Fact]
    public async Task DisjointSwapsRunInParallel()
    {
        var config = Config(
            new LlamaSwap.Configuration.RoutingConfig
            {
                Groups =
                [
                    new LlamaSwap.Configuration.GroupConfig { Id = "left", Exclusive = false, Members = ["a"] },
                    new LlamaSwap.Configuration.GroupConfig { Id = "right", Exclusive = false, Members = ["b"] },
                ],
            },
            Model("a"),
            Model("b"));
        await using var h = new SchedulerHarness(config, setup: p => p.ManualStart = true);

        var a = h.Acquire("a");
        var b = h.Acquire("b");
        var first = await h.Processes.NextSpawnAsync();
        var second = await h.Processes.NextSpawnAsync();

        Assert.Equal(["a", "b"], new[] { first.ModelId, second.ModelId }.Order());
        first.CompleteStart();
        second.CompleteStart();
        (await a.Bounded()).Dispose();
        (await b.Bounded()).Dispose();
        Assert.Equal(2, h.Processes.Timeline.MaxAlive);
    }

    /// <summary>Records synchronously (unlike <see cref="Progress{T}"/>), so order is exact.</summary>
    internal sealed class RecordingProgress(List<AcquireProgress> updates) : IProgress<AcquireProgress>
    {
        public void Report(AcquireProgress value)
        {
            lock (updates)
                updates.Add(value);
        }
    }
}

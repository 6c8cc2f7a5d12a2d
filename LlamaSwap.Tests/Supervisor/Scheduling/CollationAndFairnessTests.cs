using System.Collections.Immutable;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class CollationAndFairnessTests
{
    [Fact]
    public async Task ABCABCOnOneSlotIsServedAABBCCWithThreeStarts()
    {
        await using var h = new SchedulerHarness(OneAtATime("a", "b", "c"), setup: p => p.ManualStart = true);
        string[] arrivals = ["a", "b", "c", "a", "b", "c"];

        var requests = arrivals.Select(m => h.Acquire(m)).ToArray();
        var served = new List<string>();
        foreach (var model in new[] { "a", "b", "c" })
        {
            var process = await h.Processes.NextSpawnAsync();
            Assert.Equal(model, process.ModelId);
            process.CompleteStart();
            var batch = requests.Where((_, i) => arrivals[i] == model).ToArray();
            var leases = await Task.WhenAll(batch).Bounded();
            var state = await h.FlushAsync();
            foreach (var other in arrivals.Distinct().Where(m => m != model && !served.Contains(m)))
                Assert.Equal(2, state[other]!.Waiting);
            served.AddRange(leases.Select(l => l.ModelId));
            foreach (var lease in leases)
                lease.Dispose();
        }

        Assert.Equal(["a", "a", "b", "b", "c", "c"], served);
        Assert.Equal(3, h.Processes.Created.Length);
        Assert.Equal(1, h.Processes.Timeline.MaxAlive);
    }

    [Fact]
    public async Task RequestsForTheLoadedModelGoFirstWhileASwapWaits()
    {
        await using var h = new SchedulerHarness(OneAtATime("a", "b"));
        var first = await h.Acquire("a").Bounded();

        var b = h.Acquire("b");
        var second = await h.Acquire("a").Bounded();
        first.Dispose();
        var state = await h.FlushAsync();

        Assert.Equal((ModelState.Ready, 1), (state["a"]!.State, state["a"]!.Leases));
        Assert.Equal(1, state["b"]!.Waiting);
        second.Dispose();
        (await b.Bounded()).Dispose();
    }

    [Fact]
    public async Task AfterTheStarvationBoundNewRequestsForTheLoadedModelQueueBehindTheWaitingSwap()
    {
        var config = OneAtATime("a", "b") with { Routing = new RoutingConfig { StarvationBound = TimeSpan.FromSeconds(30) } };
        await using var h = new SchedulerHarness(config);
        var l1 = await h.Acquire("a").Bounded();
        var b = h.Acquire("b");
        await h.FlushAsync();

        h.Time.Advance(TimeSpan.FromSeconds(10));
        var l2 = await h.Acquire("a").Bounded();
        l1.Dispose();
        h.Time.Advance(TimeSpan.FromSeconds(25));
        var l3 = h.Acquire("a");
        var state = await h.FlushAsync();

        Assert.Equal(1, state["a"]!.Leases);
        Assert.Equal(1, state["a"]!.Waiting);
        Assert.Equal(1, state["b"]!.Waiting);

        l2.Dispose();
        var onB = await b.Bounded();
        Assert.Equal(1, (await h.FlushAsync())["a"]!.Waiting);
        onB.Dispose();
        (await l3.Bounded()).Dispose();
        Assert.Equal(["+a", "-a", "+b", "-b", "+a"], h.Processes.Timeline.Events);
    }

    [Fact]
    public async Task WithoutAStarvationBoundTheLoadedModelKeepsTheFastPath()
    {
        var config = OneAtATime("a", "b") with { Routing = new RoutingConfig { StarvationBound = TimeSpan.Zero } };
        await using var h = new SchedulerHarness(config);
        var held = await h.Acquire("a").Bounded();
        var b = h.Acquire("b");
        await h.FlushAsync();

        for (var i = 0; i < 5; i++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(10));
            var next = await h.Acquire("a").Bounded();
            held.Dispose();
            held = next;
        }

        Assert.Equal(1, (await h.FlushAsync())["b"]!.Waiting);
        held.Dispose();
        (await b.Bounded()).Dispose();
    }

    [Fact]
    public async Task AStarvingRequestAlsoStopsOthersFromJoiningAStartOfWhatItMustEvict()
    {
        var config = OneAtATime("a", "b", "c") with { Routing = new RoutingConfig { StarvationBound = TimeSpan.FromSeconds(30) } };
        await using var h = new SchedulerHarness(config, setup: p => p.ManualStart = true);
        var a1 = h.Acquire("a");
        var aProcess = await h.Processes.NextSpawnAsync();
        var b = h.Acquire("b");
        await h.FlushAsync();

        h.Time.Advance(TimeSpan.FromSeconds(31));
        var a2 = h.Acquire("a");
        Assert.Equal(2, (await h.FlushAsync()).QueueLength);
        aProcess.CompleteStart();
        var onA = await a1.Bounded();
        onA.Dispose();

        var bProcess = await h.Processes.NextSpawnAsync();
        Assert.Equal("b", bProcess.ModelId);
        Assert.Equal(1, (await h.FlushAsync())["a"]!.Waiting);
        bProcess.CompleteStart();
        (await b.Bounded()).Dispose();
        (await h.Processes.NextSpawnAsync()).CompleteStart();
        (await a2.Bounded()).Dispose();
    }

    [Fact]
    public async Task HigherPriorityRequestsAreServedFirstAndSeeTheirQueuePosition()
    {
        var config = OneAtATime("a", "b", "c") with
        {
            Routing = new RoutingConfig { Priorities = ImmutableDictionary.CreateRange([KeyValuePair.Create("c", 5)]) },
        };
        await using var h = new SchedulerHarness(config);
        var onA = await h.Acquire("a").Bounded();
        var bUpdates = new List<AcquireProgress>();
        var cUpdates = new List<AcquireProgress>();

        var b = h.Acquire("b", new AcquireAndSwapTests.RecordingProgress(bUpdates));
        await h.FlushAsync();
        var c = h.Acquire("c", new AcquireAndSwapTests.RecordingProgress(cUpdates));
        await h.FlushAsync();

        lock (bUpdates)
            Assert.Equal([new AcquireProgress.Queued(1), new AcquireProgress.Queued(2)], bUpdates);
        lock (cUpdates)
            Assert.Equal([new AcquireProgress.Queued(1)], cUpdates);
        onA.Dispose();
        var onC = await c.Bounded();
        Assert.Equal(1, (await h.FlushAsync())["b"]!.Waiting);
        onC.Dispose();
        (await b.Bounded()).Dispose();
        Assert.Equal(["+a", "-a", "+c", "-c", "+b"], h.Processes.Timeline.Events);
    }
}

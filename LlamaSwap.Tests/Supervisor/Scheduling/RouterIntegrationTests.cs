using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class RouterIntegrationTests
{
    [Fact]
    public async Task MaxLoadedEvictsTheLeastRecentlyUsedModel()
    {
        await using var h = new SchedulerHarness(MaxLoaded(2, "a", "b", "c"));
        (await h.Acquire("a").Bounded()).Dispose();
        await h.FlushAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await h.Acquire("b").Bounded()).Dispose();
        await h.FlushAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await h.Acquire("a").Bounded()).Dispose();
        await h.FlushAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));

        (await h.Acquire("c").Bounded()).Dispose();

        Assert.Equal(["a", "c"], h.Processes.Timeline.AliveModels);
        Assert.Equal(2, h.Processes.Timeline.MaxAlive);
    }

    [Fact]
    public async Task MaxLoadedNeverEvictsAModelThatIsServing()
    {
        await using var h = new SchedulerHarness(MaxLoaded(2, "a", "b", "c"));
        var onA = await h.Acquire("a").Bounded();
        await h.FlushAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await h.Acquire("b").Bounded()).Dispose();

        (await h.Acquire("c").Bounded()).Dispose();

        Assert.Equal(["a", "c"], h.Processes.Timeline.AliveModels);
        onA.Dispose();
    }

    [Fact]
    public async Task MatrixRunsASetTogetherAndATargetOutsideAllSetsAlone()
    {
        var config = Config(
            new RoutingConfig { Router = RouterKind.Matrix, Matrix = MatrixPlannerTests.Matrix("pair=a+b") },
            Model("a"),
            Model("b"),
            Model("c"));
        await using var h = new SchedulerHarness(config);

        (await h.Acquire("a").Bounded()).Dispose();
        (await h.Acquire("b").Bounded()).Dispose();
        Assert.Equal(["a", "b"], h.Processes.Timeline.AliveModels);

        (await h.Acquire("c").Bounded()).Dispose();
        Assert.Equal(["c"], h.Processes.Timeline.AliveModels);
    }

    [Fact]
    public async Task TwoMembersOfASwapGroupNeverStartTogether()
    {
        var config = Config(
            new RoutingConfig { Groups = [new GroupConfig { Id = "g", Exclusive = false, Members = ["a", "b"] }] },
            Model("a"),
            Model("b"));
        await using var h = new SchedulerHarness(config, setup: p => p.ManualStart = true);

        var a = h.Acquire("a");
        var b = h.Acquire("b");
        var first = await h.Processes.NextSpawnAsync();
        Assert.Equal(1, (await h.FlushAsync())["b"]!.Waiting);
        Assert.True(h.Processes.NoPendingSpawn);
        first.CompleteStart();
        (await a.Bounded()).Dispose();
        (await h.Processes.NextSpawnAsync()).CompleteStart();
        (await b.Bounded()).Dispose();

        Assert.Equal(1, h.Processes.Timeline.MaxAlive);
    }
}

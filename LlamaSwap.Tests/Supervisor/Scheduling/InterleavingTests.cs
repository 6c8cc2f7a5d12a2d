using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class InterleavingTests
{
    [Fact]
    public async Task FiftyInterleavedRequestsForTwoModelsOnOneSlotAreAllServedAndNeverOverlap()
    {
        // Every request is admitted (limit above 50), so each one must end with a lease.
        var config = Config(new LlamaSwap.Configuration.RoutingConfig(), Model("a") with { ConcurrencyLimit = 100 }, Model("b") with { ConcurrencyLimit = 100 });
        await using var h = new SchedulerHarness(config);
        h.Processes.Timeline.Rule = (alive, _) => alive.Count == 0 ? null : "one slot";

        var requests = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await using var lease = await h.Acquire(i % 2 == 0 ? "a" : "b");
            await Task.Yield();
            return lease.ModelId;
        }, SchedulerHarness.TestToken)).ToArray();

        var served = await Task.WhenAll(requests).Bounded();

        Assert.Equal(25, served.Count(m => m == "a"));
        Assert.Equal(25, served.Count(m => m == "b"));
        Assert.Empty(h.Processes.Timeline.Violations);
        Assert.Equal(1, h.Processes.Timeline.MaxAlive);
        var state = await h.FlushAsync();
        Assert.All(state.Models, m => Assert.Equal((0, 0), (m.Leases, m.Waiting)));
    }
}

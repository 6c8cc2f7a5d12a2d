using LlamaSwap.Supervisor.Planning;
using static LlamaSwap.Tests.Supervisor.Scheduling.PlannerTestData;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class MaxLoadedPlannerTests
{
    [Theory]
    [InlineData(1, "a", "", "")]
    [InlineData(1, "b", "a", "a")]
    [InlineData(2, "c", "a:1", "")]
    [InlineData(2, "c", "a:1,b:2", "a")]
    [InlineData(2, "c", "a:3,b:2", "b")]
    [InlineData(2, "a", "a:1,b:2,c:3", "")]
    [InlineData(3, "d", "a:5,b:1,c:9", "b")]
    // In use counts as most recent, whatever its last-used time says.
    [InlineData(2, "c", "a:1*,b:2", "b")]
    // When everything is in use the oldest in-use one is still the one to go (the scheduler waits for it).
    [InlineData(2, "c", "a:1*,b:2*", "a")]
    // Ties on time fall to the lower id.
    [InlineData(2, "c", "b:1,a:1", "a")]
    // Over the limit (a reload lowered N): evict enough to leave N − 1 others.
    [InlineData(2, "e", "a:1,b:2,c:3,d:4", "a,b,c")]
    // N below 1 behaves as 1.
    [InlineData(0, "b", "a", "a")]
    public void EvictsTheLeastRecentlyUsed(int maxLoaded, string target, string running, string expected)
    {
        var planner = new MaxLoadedPlanner(maxLoaded);

        Assert.Equal(expected, Join(planner.EvictionFor(target, Running(running))));
    }
}

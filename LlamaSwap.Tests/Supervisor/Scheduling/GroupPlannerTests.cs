using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Planning;
using static LlamaSwap.Tests.Supervisor.Scheduling.PlannerTestData;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class GroupPlannerTests
{
    [Theory]
    [InlineData("a", "", "")]
    [InlineData("a", "a", "")]
    [InlineData("b", "a", "a")]
    [InlineData("c", "a,b", "a,b")]
    [InlineData("a", "a,b", "b")]
    public void WithoutGroupsOneModelRunsAtATime(string target, string running, string expected)
    {
        var planner = new GroupPlanner([]);

        Assert.Equal(expected, Join(planner.EvictionFor(target, Running(running))));
    }

    // Groups: "swapping" (swap, exclusive) = s1,s2; "together" (no swap, exclusive) = t1,t2;
    // "side" (no swap, not exclusive) = n1,n2; "forever" (no swap, not exclusive, persistent) = p1;
    // everything else falls into the implicit (default) group.
    [Theory]
    [InlineData("s2", "s1", "s1")]
    [InlineData("t2", "t1", "")]
    [InlineData("t1", "s1,d1", "d1,s1")]
    [InlineData("s1", "t1,t2,p1", "t1,t2")]
    [InlineData("d1", "s1,p1,n1", "n1,s1")]
    [InlineData("d2", "d1,p1", "d1")]
    [InlineData("n1", "s1,d1,n2", "")]
    [InlineData("p1", "s1,n1", "")]
    [InlineData("s1", "s1,t1", "t1")]
    public void EvictsByLlamaSwapGroupRule(string target, string running, string expected)
    {
        var planner = new GroupPlanner(
        [
            new GroupConfig { Id = "swapping", Members = ["s1", "s2"] },
            new GroupConfig { Id = "together", Swap = false, Members = ["t1", "t2"] },
            new GroupConfig { Id = "side", Swap = false, Exclusive = false, Members = ["n1", "n2"] },
            new GroupConfig { Id = "forever", Swap = false, Exclusive = false, Persistent = true, Members = ["p1"] },
        ]);

        Assert.Equal(expected, Join(planner.EvictionFor(target, Running(running))));
    }

    [Fact]
    public void DeclaredDefaultGroupSettingsApplyToUngroupedModels()
    {
        var planner = new GroupPlanner(
        [
            new GroupConfig { Id = "g", Members = ["g1"] },
            new GroupConfig { Id = GroupConfig.DefaultGroupId, Swap = false, Exclusive = false, Members = ["d1", "d2"] },
        ]);

        Assert.Equal("", Join(planner.EvictionFor("d2", Running("d1,g1"))));
        Assert.Equal("", Join(planner.EvictionFor("x", Running("d1"))));
        Assert.Equal("d1", Join(planner.EvictionFor("g1", Running("d1"))));
    }
}

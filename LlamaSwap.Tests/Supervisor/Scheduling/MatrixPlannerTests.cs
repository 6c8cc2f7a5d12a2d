using System.Collections.Immutable;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Planning;
using static LlamaSwap.Tests.Supervisor.Scheduling.PlannerTestData;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class MatrixPlannerTests
{
    [Theory]
    // Reference: sets first: a & b, second: a & c; nothing running, request a.
    [InlineData("first=a+b; second=a+c", "", "a", "", "")]
    // Reference: costs b=10 c=1, a_with_c: a & c, a_with_b: a & b, running {b,c}, request a → evict [c].
    [InlineData("a_with_c=a+c; a_with_b=a+b", "b=10,c=1", "a", "b,c", "c")]
    // Reference: preferred: target & (a | (a & b)), running {a,b}, request target → nothing.
    [InlineData("preferred=target+a|target+a+b", "", "target", "a,b", "")]
    // Reference: running {a,b,outside} → evict [outside].
    [InlineData("preferred=target+a|target+a+b", "", "target", "a,b,outside", "outside")]
    // A running target evicts nothing, even when the others do not fit beside it.
    [InlineData("s=a+b", "", "a", "a,c", "")]
    // A target in no set runs alone.
    [InlineData("s=a+b", "", "z", "a,b", "a,b")]
    // Equal costs keep the first expansion in solver order.
    [InlineData("one=a+b; two=a+c", "", "a", "b,c", "c")]
    [InlineData("two=a+c; one=a+b", "", "a", "b,c", "b")]
    // Costs add up over every model outside the expansion.
    [InlineData("ab=a+b; acd=a+c+d", "b=3", "a", "b,c,d", "c,d")]
    [InlineData("ab=a+b; acd=a+c+d", "c=2", "a", "b,c,d", "b")]
    [InlineData("ab=a+b; acd=a+c+d", "b=2", "a", "b,c,d", "c,d")]
    public void PicksTheCheapestExpansion(string sets, string costs, string target, string running, string expected)
    {
        var planner = new MatrixPlanner(Matrix(sets, costs));

        Assert.Equal(expected, Join(planner.EvictionFor(target, Running(running))));
    }

    [Fact]
    public void WithoutSetsEveryModelRunsAlone()
    {
        var planner = new MatrixPlanner(new MatrixConfig());

        Assert.Equal("a", Join(planner.EvictionFor("b", Running("a"))));
    }

    /// <summary>"name=a+b|a+c; other=…": '+' joins the models of one expansion, '|' separates expansions.</summary>
    internal static MatrixConfig Matrix(string sets, string costs = "") => new()
    {
        Sets = [.. sets.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseSet)],
        EvictCosts = Ids(costs).ToImmutableDictionary(
            c => c.Split('=')[0],
            c => int.Parse(c.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture)),
    };

    private static MatrixSet ParseSet(string text)
    {
        var (name, dsl) = (text.Split('=')[0], text.Split('=')[1]);
        var expansions = dsl.Split('|').Select(e => e.Split('+').ToImmutableSortedSet(StringComparer.Ordinal));
        return new MatrixSet(name, dsl, [.. expansions]);
    }
}

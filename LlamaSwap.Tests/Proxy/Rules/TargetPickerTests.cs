using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Rules;

namespace LlamaSwap.Tests.Proxy.Rules;

public sealed class TargetPickerTests
{
    private static RouteRuleConfig Rule(RouteStrategy strategy, params RouteTarget[] targets) =>
        new() { Name = "r", Targets = [.. targets], Fallback = ["spare"], Strategy = strategy };

    [Fact]
    public void SmoothWeightsInterleaveInsteadOfBursting()
    {
        var picker = new TargetPicker();
        var rule = Rule(RouteStrategy.Weighted, new("a", 3), new("b", 1));

        var picks = Enumerable.Range(0, 8).Select(_ => picker.Order(rule, _ => true, _ => 0)[0]);

        Assert.Equal(["a", "a", "b", "a", "a", "a", "b", "a"], picks);
    }

    [Fact]
    public void TheChosenTargetComesFirstThenTheOthersByWeightThenTheFallbacks()
    {
        var picker = new TargetPicker();
        var rule = Rule(RouteStrategy.Weighted, new("light", 1), new("heavy", 5), new("none", 0));

        Assert.Equal(["heavy", "light", "none", "spare"], picker.Order(rule, _ => true, _ => 0));
    }

    [Fact]
    public void TargetsOutOfRotationAreLeftOutAndTheirShareGoesToTheRest()
    {
        var picker = new TargetPicker();
        var rule = Rule(RouteStrategy.Weighted, new("a", 1), new("b", 1));

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(["b", "spare"], picker.Order(rule, name => name != "a", _ => 0)));
        Assert.Empty(picker.Order(rule, _ => false, _ => 0));
    }

    [Fact]
    public void LeastLoadedPrefersTheIdleTargetAndRotatesTies()
    {
        var picker = new TargetPicker();
        var rule = Rule(RouteStrategy.LeastLoaded, new("a", 1), new("b", 1), new("c", 1));

        Assert.Equal("c", picker.Order(rule, _ => true, name => name == "c" ? 0 : 2)[0]);
        var ties = Enumerable.Range(0, 6).Select(_ => picker.Order(rule, _ => true, _ => 1)[0]).ToList();
        Assert.Equal(2, ties.Count(t => t == "a"));
        Assert.Equal(2, ties.Count(t => t == "b"));
        Assert.Equal(2, ties.Count(t => t == "c"));
    }
}

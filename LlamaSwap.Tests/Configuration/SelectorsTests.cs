using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class SelectorsTests
{
    private static readonly string[] Base =
    [
        "models:",
        "  a: { cmd: 's ${PORT}', aliases: [alias-a] }",
        "  b: { cmd: 's ${PORT}' }",
        "  c: { cmd: 's ${PORT}' }",
        "peers:",
        "  p: { proxy: 'http://p', models: [remote, shared] }",
        "  q: { proxy: 'http://q', models: [shared] }",
    ];

    private static string With(params string[] lines) => Yaml([.. Base, .. lines]);

    [Fact]
    public void SelectorIsDecoded()
    {
        var selector = LoadValid(With(
            "groups:",
            "  together: { swap: false, members: [a, b] }",
            "selectors:",
            "  smart:",
            "    strategy: spillover",
            "    targets: [alias-a, b, p/remote]",
            "    settings: { spillover: 4 }",
            "    name: Smart",
            "    description: picks one",
            "    metadata: { tier: 1 }",
            "    unlisted: true")).Selectors["smart"];

        Assert.Equal(SelectorStrategy.Spillover, selector.Strategy);
        Assert.Equal(["alias-a", "b", "p/remote"], selector.Targets);
        Assert.Equal(4, selector.Spillover);
        Assert.Equal("Smart", selector.Name);
        Assert.Equal("picks one", selector.Description);
        Assert.Equal(1, selector.Metadata.GetProperty("tier").GetInt32());
        Assert.True(selector.Unlisted);
    }

    [Theory]
    [InlineData("pin", SelectorStrategy.Pin)]
    [InlineData("warm", SelectorStrategy.Warm)]
    public void SimpleStrategiesDefaultSpilloverToOne(string strategy, SelectorStrategy expected)
    {
        var selector = LoadValid(With("selectors:", $"  s: {{ strategy: {strategy}, targets: [a, b] }}")).Selectors["s"];

        Assert.Equal(expected, selector.Strategy);
        Assert.Equal(1, selector.Spillover);
    }

    [Theory]
    [InlineData("  a: { strategy: pin, targets: [b] }", "models.yaml:9:3 selectors.a: name conflicts with model ID")]
    [InlineData("  alias-a: { strategy: pin, targets: [b] }", "models.yaml:9:3 selectors.alias-a: name conflicts with model alias (of model a)")]
    [InlineData("  s: { targets: [b] }", "models.yaml:9:6 selectors.s: strategy is required")]
    [InlineData("  s: { strategy: random, targets: [b] }", "models.yaml:9:18 selectors.s.strategy: unknown strategy \"random\" (valid: warm, pin, spillover)")]
    [InlineData("  s: { strategy: pin }", "models.yaml:9:6 selectors.s.targets: targets must contain at least one entry")]
    [InlineData("  s: { strategy: pin, targets: [] }", "models.yaml:9:32 selectors.s.targets: targets must contain at least one entry")]
    [InlineData("  s: { strategy: pin, targets: [ghost] }", "models.yaml:9:33 selectors.s.targets[0]: references unknown model \"ghost\"")]
    [InlineData("  s: { strategy: pin, targets: [shared] }", "models.yaml:9:33 selectors.s.targets[0]: references unknown model \"shared\"")]
    [InlineData("  s: { strategy: pin, targets: [t] }\n  t: { strategy: pin, targets: [a] }", "models.yaml:9:33 selectors.s.targets[0]: target \"t\" is a selector: selector chaining is not supported")]
    [InlineData("  s: { strategy: warm, targets: [a, p/remote] }", "models.yaml:9:37 selectors.s.targets[1]: target \"p/remote\" must resolve to a local model for strategy \"warm\"")]
    [InlineData("  s: { strategy: spillover, targets: [a, alias-a] }", "models.yaml:9:42 selectors.s.targets[1]: duplicate resolved model \"a\" (targets \"a\" and \"alias-a\")")]
    [InlineData("  s: { strategy: spillover, targets: [remote, p/remote] }", "models.yaml:9:47 selectors.s.targets[1]: duplicate resolved model \"p/remote\" (targets \"remote\" and \"p/remote\")")]
    [InlineData("  s: { strategy: spillover, targets: [a], settings: { spillover: 0 } }", "models.yaml:9:66 selectors.s.settings.spillover: must be >= 1 (got 0)")]
    [InlineData("  s: { strategy: spillover, targets: [a, b] }", "models.yaml:9:38 selectors.s.targets: spillover targets must share a group with swap: false (group (default) has swap: true)")]
    public void InvalidSelectors(string lines, string expected) => AssertError(With("selectors:", lines), expected);

    [Fact]
    public void SpilloverTargetsInDifferentGroupsAreAnError() =>
        AssertError(With(
            "groups:",
            "  g1: { swap: false, members: [a] }",
            "  g2: { swap: false, members: [b] }",
            "selectors:",
            "  s: { strategy: spillover, targets: [a, b] }"),
            "models.yaml:12:38 selectors.s.targets: spillover targets must share one routing group (\"a\" is in g1, \"b\" is in g2)");

    [Fact]
    public void SpilloverWithOneLocalTargetAndPeersNeedsNoGroup() =>
        LoadValid(With("selectors:", "  s: { strategy: spillover, targets: [a, p/remote] }"));

    [Fact]
    public void SpilloverUnderMaxLoadedNeedsRoomForAllLocalTargets()
    {
        LoadValid(With("maxLoaded: 2", "selectors:", "  s: { strategy: spillover, targets: [a, b] }"));
        AssertError(With("maxLoaded: 2", "selectors:", "  s: { strategy: spillover, targets: [a, b, c] }"),
            "models.yaml:10:38 selectors.s.targets: spillover targets need routing.router.settings.maxLoaded >= 3 to run together (it is 2)");
    }
}

using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class RoutingTests
{
    private static readonly string[] ThreeModels =
    [
        "models:",
        "  a: { cmd: 's ${PORT}', aliases: [alias-a] }",
        "  b: { cmd: 's ${PORT}' }",
        "  c: { cmd: 's ${PORT}' }",
    ];

    private static string WithModels(params string[] lines) => Yaml([.. ThreeModels, .. lines]);

    [Fact]
    public void WithoutGroupsEveryModelIsInTheDefaultGroup()
    {
        var routing = LoadValid(WithModels()).Routing;

        var group = Assert.Single(routing.Groups);
        Assert.Equal(GroupConfig.DefaultGroupId, group.Id);
        Assert.Equal(["a", "b", "c"], group.Members);
        Assert.True(group.Swap);
        Assert.True(group.Exclusive);
        Assert.False(group.Persistent);
    }

    [Theory]
    [InlineData("groups:", "  ")]
    [InlineData("routing:\n  router:\n    settings:\n      groups:", "        ")]
    public void GroupsInBothFormsGetDefaultsAndTheDefaultGroupLast(string header, string indent)
    {
        var routing = LoadValid(WithModels(
            header,
            $"{indent}together: {{ swap: false, exclusive: false, persistent: true, members: [c, a] }}")).Routing;

        Assert.Equal(RouterKind.Group, routing.Router);
        Assert.Equal(["together", GroupConfig.DefaultGroupId], routing.Groups.Select(g => g.Id));
        var together = routing.Groups[0];
        Assert.Equal(["c", "a"], together.Members);
        Assert.False(together.Swap);
        Assert.False(together.Exclusive);
        Assert.True(together.Persistent);
        Assert.Equal(["b"], routing.Groups[1].Members);
    }

    [Fact]
    public void GroupDefaultsAreSwapAndExclusive()
    {
        var group = LoadValid(WithModels("groups:", "  g: { members: [a, b, c] }")).Routing.Groups.Single();

        Assert.True(group.Swap);
        Assert.True(group.Exclusive);
        Assert.False(group.Persistent);
    }

    [Fact]
    public void MemberInTwoGroupsIsAnError() =>
        AssertError(WithModels("groups:", "  g1: { members: [a] }", "  g2: { members: [b, a] }"),
            "models.yaml:7:22 groups.g2.members[1]: model member a is used in multiple groups: g1 and g2");

    [Fact]
    public void DuplicateMemberInAGroupIsAnError() =>
        AssertError(WithModels("groups:", "  g1: { members: [a, a] }"),
            "models.yaml:6:22 groups.g1.members[1]: duplicate model member a found in group: g1");

    [Fact]
    public void MemberThatIsNotAModelIsAnError() =>
        AssertError(WithModels("routing:", "  router:", "    settings:", "      groups:", "        g1: { members: [a, ghost] }"),
            "models.yaml:9:28 routing.router.settings.groups.g1.members[1]: group g1 member ghost is not a defined model");

    [Fact]
    public void MemberThatIsAnAliasIsAnErrorWithAHint() =>
        AssertError(WithModels("groups:", "  g1: { members: [alias-a] }"),
            "models.yaml:6:19 groups.g1.members[0]: group g1 member alias-a is not a defined model ('alias-a' is an alias of 'a'; groups list model IDs)");

    [Fact]
    public void LegacyKeysWithRoutingRouterIsAnError() =>
        AssertError(WithModels("groups:", "  g: { members: [a] }", "routing:", "  router:", "    use: group"),
            "models.yaml:5:1 groups: top-level 'groups' cannot be combined with 'routing.router': please migrate the top-level keys into 'routing.router' and remove them");

    [Theory]
    [InlineData("    use: cluster", "models.yaml:7:10 routing.router.use: unknown router \"cluster\" (valid: group, matrix, maxLoaded)")]
    [InlineData("    use: matrix", "models.yaml:7:10 routing.router.use: routing.router.use is 'matrix' but routing.router.settings.matrix is not set")]
    [InlineData("    use: maxLoaded", "models.yaml:7:10 routing.router.use: routing.router.use is 'maxLoaded' but routing.router.settings.maxLoaded is not set")]
    [InlineData("    use: maxLoaded\n    settings: { maxLoaded: 0 }", "models.yaml:8:28 routing.router.settings.maxLoaded: must be >= 1 (got 0)")]
    public void InvalidRouterSettings(string lines, string expected) =>
        AssertError(WithModels("routing:", "  router:", lines), expected);

    [Fact]
    public void MaxLoadedRouterFromRoutingRouter()
    {
        var routing = LoadValid(WithModels("routing:", "  router:", "    use: maxLoaded", "    settings: { maxLoaded: 2 }")).Routing;

        Assert.Equal(RouterKind.MaxLoaded, routing.Router);
        Assert.Equal(2, routing.MaxLoaded);
        Assert.Empty(routing.Groups);
    }

    [Fact]
    public void MaxLoadedShorthand()
    {
        var routing = LoadValid(WithModels("maxLoaded: 3")).Routing;

        Assert.Equal(RouterKind.MaxLoaded, routing.Router);
        Assert.Equal(3, routing.MaxLoaded);
    }

    [Theory]
    [InlineData("groups:\n  g: { members: [a] }", "models.yaml:5:12 maxLoaded: the maxLoaded shorthand cannot be used when top-level 'groups' is set")]
    [InlineData("matrix:\n  sets: { s: a }", "models.yaml:5:12 maxLoaded: the maxLoaded shorthand cannot be used when top-level 'matrix' is set")]
    [InlineData("routing:\n  router:\n    use: group", "models.yaml:5:12 maxLoaded: the maxLoaded shorthand cannot be used when routing.router.use is 'group'")]
    [InlineData("routing:\n  router:\n    use: maxLoaded\n    settings: { maxLoaded: 2 }", "models.yaml:5:12 maxLoaded: the maxLoaded shorthand cannot be used when routing.router.settings.maxLoaded is also set")]
    public void MaxLoadedShorthandConflicts(string other, string expected) =>
        AssertError(WithModels("maxLoaded: 2", other), expected);

    [Fact]
    public void MaxLoadedShorthandMustBePositive() =>
        AssertError(WithModels("maxLoaded: 0"), "models.yaml:5:12 maxLoaded: must be >= 1 (got 0)");

    [Fact]
    public void SettingsOfAnotherRouterAreUnusedWithAWarning()
    {
        var result = AssertWarning(WithModels(
            "routing:",
            "  router:",
            "    use: maxLoaded",
            "    settings:",
            "      maxLoaded: 2",
            "      groups:",
            "        g: { members: [a] }"),
            "models.yaml:11:9 routing.router.settings.groups: not used: the router is 'maxLoaded'");
        Assert.True(result.Succeeded);

        AssertWarning(WithModels("routing:", "  router:", "    settings:", "      maxLoaded: 2"),
            "models.yaml:8:7 routing.router.settings.maxLoaded: not used: the router is 'group'");
    }

    [Fact]
    public void SchedulerSettings()
    {
        var routing = LoadValid(WithModels(
            "routing:",
            "  scheduler:",
            "    use: fifo",
            "    settings:",
            "      fifo:",
            "        starvationBound: 0",
            "        priority:",
            "          alias-a: 10",
            "          b: -1")).Routing;

        Assert.Equal(TimeSpan.Zero, routing.StarvationBound);
        Assert.Equal(10, routing.Priorities["a"]);
        Assert.Equal(-1, routing.Priorities["b"]);
        Assert.False(routing.Priorities.ContainsKey("alias-a"));
    }

    [Fact]
    public void StarvationBoundIsSeconds() =>
        Assert.Equal(TimeSpan.FromSeconds(45),
            LoadValid(WithModels("routing:", "  scheduler:", "    settings:", "      fifo:", "        starvationBound: 45")).Routing.StarvationBound);

    [Theory]
    [InlineData("    use: lifo", "models.yaml:7:10 routing.scheduler.use: unknown scheduler \"lifo\" (valid: fifo)")]
    [InlineData("    settings: { fifo: { priority: { ghost: 1 } } }", "models.yaml:7:37 routing.scheduler.settings.fifo.priority.ghost: routing.scheduler.settings.fifo.priority references unknown model \"ghost\"")]
    [InlineData("    settings: { fifo: { priority: { a: 1, alias-a: 2 } } }", "models.yaml:7:43 routing.scheduler.settings.fifo.priority.alias-a: priority for model a is already set through \"a\"")]
    [InlineData("    settings: { fifo: { priority: { a: high } } }", "models.yaml:7:40 routing.scheduler.settings.fifo.priority.a: must be an integer (got string \"high\")")]
    [InlineData("    settings: { fifo: { starvationBound: -1 } }", "models.yaml:7:42 routing.scheduler.settings.fifo.starvationBound: must be >= 0 seconds (got -1; 0 disables the bound)")]
    public void InvalidSchedulerSettings(string line, string expected) =>
        AssertError(WithModels("routing:", "  scheduler:", line), expected);

    [Fact]
    public void PreloadResolvesAliasesAndWarnsAboutUnknownNames()
    {
        var result = AssertWarning(WithModels("hooks:", "  on_startup:", "    preload: [' alias-a ', '', b, ghost, a]"),
            "models.yaml:7:35 hooks.on_startup.preload[3]: unknown model \"ghost\" is not preloaded");

        Assert.True(result.Succeeded);
        Assert.Equal(["a", "b"], result.Config.Preload);
    }
}

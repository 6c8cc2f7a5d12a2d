using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

/// <summary>Matrix configuration, which depends on the matrix set compiler for its sets.</summary>
public sealed class MatrixConfigTests
{
    private static readonly string[] Models =
    [
        "models:",
        "  llama: { cmd: 's ${PORT}', aliases: [big] }",
        "  qwen: { cmd: 's ${PORT}' }",
        "  embed: { cmd: 's ${PORT}' }",
    ];

    private static string Routing(params string[] matrixLines) =>
        Yaml([.. Models, "routing:", "  router:", "    use: matrix", "    settings:", "      matrix:", .. matrixLines]);

    [Fact]
    public void RoutingFormLoadsVarsCostsAndCompiledSets()
    {
        var result = ConfigLoader.Load(new ConfigSource(EveryKeyTests.FixturePath("every-key-matrix.yaml")), NoEnvironment);

        Assert.True(result.Succeeded, Describe(result));
        var routing = result.Config.Routing;
        Assert.Equal(RouterKind.Matrix, routing.Router);
        Assert.Empty(routing.Groups);
        var matrix = routing.Matrix!;
        Assert.Equal("llama", matrix.Vars["L"]);
        Assert.Equal(10, matrix.EvictCost("llama"));
        Assert.Equal(3, matrix.EvictCost("whisper"));
        Assert.Equal(1, matrix.EvictCost("qwen"));
        Assert.Equal(["chat", "voice"], matrix.Sets.Select(s => s.Name));
        var chat = matrix.Sets[0];
        Assert.Equal("(L | Q) & e", chat.Dsl);
        Assert.Equal(
            [["embed", "llama"], ["embed", "qwen"]],
            chat.Expansions.Select(e => e.ToArray()).OrderBy(e => string.Join(',', e)));
        Assert.Contains(matrix.Sets[1].Expansions, e => e.SetEquals(["llama", "embed", "whisper"]));
        Assert.Equal(["llama", "embed"], result.Config.Selectors["local"].Targets);
    }

    [Fact]
    public void LegacyTopLevelMatrixSelectsTheMatrixRouter()
    {
        var config = LoadValid(Yaml([.. Models, "matrix:", "  sets:", "    all: llama & qwen & embed"]));

        Assert.Equal(RouterKind.Matrix, config.Routing.Router);
        Assert.Equal("all", Assert.Single(config.Routing.Matrix!.Sets).Name);
    }

    [Fact]
    public void LegacyGroupsAndMatrixTogetherIsAnError() =>
        AssertError(Yaml([.. Models, "groups:", "  g: { members: [llama] }", "matrix:", "  sets: { s: llama }"]),
            "models.yaml:7:1 matrix: config cannot use both 'groups' and 'matrix'");

    [Theory]
    [InlineData("        vars: { 'bad key!': llama }", "models.yaml:10:17 routing.router.settings.matrix.vars.bad key!: var key \"bad key!\" must contain only alphanumeric, '-' or '.' characters and be 1-32 characters long")]
    [InlineData("        vars: { x: ghost }", "models.yaml:10:20 routing.router.settings.matrix.vars.x: var key \"x\" references unknown model \"ghost\"")]
    [InlineData("        vars: { x: big }", "models.yaml:10:20 routing.router.settings.matrix.vars.x: var key \"x\" references unknown model \"big\" ('big' is an alias of 'llama'; vars take model IDs)")]
    [InlineData("        evict_costs: { llama: 0 }", "models.yaml:10:31 routing.router.settings.matrix.evict_costs.llama: evict_cost for \"llama\" must be a positive integer, got 0")]
    [InlineData("        evict_costs: { ghost: 2 }", "models.yaml:10:24 routing.router.settings.matrix.evict_costs.ghost: evict_costs: unknown var or model \"ghost\"")]
    public void InvalidVarsAndCosts(string line, string expected) =>
        AssertError(Routing(line, "        sets: { s: llama }"), expected);

    [Fact]
    public void MatrixNeedsAtLeastOneSet()
    {
        AssertError(Routing("        sets: {}"), "models.yaml:10:15 routing.router.settings.matrix.sets: matrix must define at least one set");
        AssertError(Routing("        vars: { L: llama }"), "models.yaml:10:9 routing.router.settings.matrix.sets: matrix must define at least one set");
    }

    [Fact]
    public void SetErrorsAreLocatedAtTheirSet()
    {
        var result = Load(Routing("        sets:", "          good: llama & qwen", "          bad: llama & ghost"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("models.yaml", error.File);
        Assert.Equal((12, 16), (error.Line, error.Column));
        Assert.Equal("routing.router.settings.matrix.sets.bad", error.Path);
        Assert.Contains("ghost", error.Message);
    }

    [Fact]
    public void VarsWinOverModelIds()
    {
        var config = LoadValid(Routing("        vars: { qwen: llama }", "        sets: { s: qwen & embed }"));

        Assert.All(config.Routing.Matrix!.Sets[0].Expansions, e => Assert.True(e.SetEquals(["llama", "embed"])));
    }

    [Fact]
    public void SpilloverTargetsMustAppearTogetherInOneExpandedSet()
    {
        var yaml = Routing("        sets:", "          a: llama & embed", "          b: qwen") +
            Yaml("selectors:", "  s: { strategy: spillover, targets: [llama, qwen] }", "  ok: { strategy: spillover, targets: [big, embed] }");

        var result = AssertError(yaml,
            "models.yaml:14:38 selectors.s.targets: spillover targets must all appear together in one expanded matrix set");
        Assert.Single(result.Errors);
    }
}

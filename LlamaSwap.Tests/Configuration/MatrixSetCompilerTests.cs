using LlamaSwap.Configuration;
using LlamaSwap.Configuration.Matrix;

namespace LlamaSwap.Tests.Configuration;

public sealed class MatrixSetCompilerTests
{
    private static readonly HashSet<string> KnownModels =
        ["a", "b", "c", "d", "e", "g", "m", "q", "v", "x", "y", "B", "target", "qwen-32b"];

    [Theory]
    [InlineData("a", new[] { "a" })]
    [InlineData("a & b", new[] { "a,b" })]
    [InlineData("a | b | c", new[] { "a", "b", "c" })]
    [InlineData("(a|b) & (c|d)", new[] { "a,c", "a,d", "b,c", "b,d" })]
    [InlineData("a | b & c", new[] { "a", "b,c" })]
    [InlineData("a & a", new[] { "a" })]
    [InlineData("a | a", new[] { "a" })]
    [InlineData("(c | a) & b", new[] { "b,c", "a,b" })]
    [InlineData("a | a & b", new[] { "a,b" })]
    [InlineData("target & (a | (a & b))", new[] { "a,b,target" })]
    [InlineData("(a | b) & (a | b)", new[] { "a,b" })]
    [InlineData("B & a", new[] { "B,a" })]
    public void Compile_SingleSet_ExpandsToDistinctUndominatedCombinations(string dsl, string[] expected)
    {
        var result = Compile(("s", dsl));

        Assert.Empty(result.Errors);
        Assert.Equal(expected, Show(Assert.Single(result.Sets)));
    }

    [Fact]
    public void Compile_References_InlineTheReferencedSets()
    {
        var result = Compile(("llms", "g | q | m"), ("with_tts", "+llms & v"), ("mega", "+with_tts & e"));

        Assert.Empty(result.Errors);
        Assert.Equal(["llms", "with_tts", "mega"], result.Sets.Select(s => s.Name));
        Assert.Equal(["e,g,v", "e,q,v", "e,m,v"], Show(result.Sets[2]));
        Assert.Equal("+with_tts & e", result.Sets[2].Dsl);
    }

    [Fact]
    public void Compile_OverlappingReference_MergesSharedModels()
    {
        var result = Compile(("base", "a & b"), ("extended", "target & +base & b"));

        Assert.Equal(["a,b,target"], Show(result.Sets[1]));
    }

    [Fact]
    public void Compile_ForwardReference_PutsReferencedSetFirstAndKeepsDefinitionOrderOtherwise()
    {
        var result = Compile(("uses", "+base & x"), ("other", "y"), ("base", "a | b"), ("last", "+uses | c"));

        Assert.Empty(result.Errors);
        Assert.Equal(["base", "uses", "other", "last"], result.Sets.Select(s => s.Name));
        Assert.Equal(["a,x", "b,x", "c"], Show(result.Sets[3]));
    }

    [Fact]
    public void Compile_Identifiers_AreResolvedThroughTheResolveFunction()
    {
        var vars = new Dictionary<string, string> { ["q"] = "qwen-32b", ["tts"] = "kokoro" };
        var models = new HashSet<string> { "qwen-32b", "kokoro", "e" };

        var result = MatrixSetCompiler.Compile(
            [new("s", "q & (tts | e) & qwen-32b")],
            name => vars.TryGetValue(name, out var model) ? model : models.Contains(name) ? name : null);

        Assert.Empty(result.Errors);
        Assert.Equal(["kokoro,qwen-32b", "e,qwen-32b"], Show(result.Sets[0]));
    }

    [Fact]
    public void Compile_UnknownIdentifiers_ReportsEachOnceNamingTheSet()
    {
        var result = Compile(("ok", "a"), ("s", "missing & a | missing | other"));

        Assert.Equal(
            [
                new MatrixSetError("s", "set \"s\": unknown var or model \"missing\""),
                new MatrixSetError("s", "set \"s\": unknown var or model \"other\""),
            ],
            result.Errors);
        Assert.Equal(["ok"], result.Sets.Select(s => s.Name));
    }

    [Fact]
    public void Compile_UndefinedReference_IsReported()
    {
        var result = Compile(("s", "a & +nope"));

        Assert.Equal([new MatrixSetError("s", "set \"s\" references undefined set \"nope\"")], result.Errors);
        Assert.Empty(result.Sets);
    }

    [Fact]
    public void Compile_ParseError_IsPrefixedWithTheSetName()
    {
        var result = Compile(("s", "a @ b"));

        Assert.Equal([new MatrixSetError("s", "set \"s\": unexpected character '@' at position 3 (1-based)")], result.Errors);
    }

    [Fact]
    public void Compile_ReferenceCycle_IsReportedOnceAndOtherSetsStillCompile()
    {
        var result = Compile(("a", "+b & +c"), ("b", "+a"), ("c", "x | +a"), ("fine", "y"));

        Assert.Equal([new MatrixSetError("a", "circular reference detected involving set \"a\"")], result.Errors);
        Assert.Equal(["fine"], result.Sets.Select(s => s.Name));
    }

    [Fact]
    public void Compile_SelfReference_IsACycle()
    {
        var result = Compile(("loop", "a | +loop"));

        Assert.Equal([new MatrixSetError("loop", "circular reference detected involving set \"loop\"")], result.Errors);
    }

    [Fact]
    public void Compile_SetReferencingAFailedSet_IsOmittedWithoutASecondError()
    {
        var result = Compile(("broken", "a &"), ("user", "+broken | b"), ("fine", "c"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("broken", error.SetName);
        Assert.Equal(["fine"], result.Sets.Select(s => s.Name));
    }

    [Fact]
    public void Compile_NoSets_IsAnError()
    {
        var result = Compile();

        Assert.Equal([new MatrixSetError("", "matrix must define at least one set")], result.Errors);
    }

    [Fact]
    public void Compile_DuplicateSetName_IsAnError()
    {
        var result = Compile(("s", "a"), ("s", "b"));

        Assert.Equal([new MatrixSetError("s", "duplicate set name \"s\"")], result.Errors);
        Assert.Equal(["a"], Show(Assert.Single(result.Sets)));
    }

    [Fact]
    public void Compile_ExactlyTheExpansionLimit_Compiles()
    {
        var result = Product("wide", dimensions: 12, choices: 2);

        Assert.Empty(result.Errors);
        Assert.Equal(MatrixSetCompiler.MaxExpansionsPerSet, result.Sets[0].Expansions.Length);
        Assert.All(result.Sets[0].Expansions, e => Assert.Equal(12, e.Count));
    }

    [Fact]
    public async Task Compile_ProductBeyondTheLimit_ReportsTheLimitInsteadOfExpanding()
    {
        // 10^7 combinations: must stop at the limit, not enumerate them.
        var result = await Task.Run(() => Product("huge", dimensions: 7, choices: 10), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(
            [new MatrixSetError("huge", "set \"huge\": expands to more than 4096 model combinations; split it into smaller sets")],
            result.Errors);
        Assert.Empty(result.Sets);
    }

    [Fact]
    public void Compile_ReferenceToASetOverTheLimit_IsOmittedWithoutASecondError()
    {
        var dimensions = Enumerable.Range(0, 13).Select(i => $"(m{i}a | m{i}b)");
        var result = MatrixSetCompiler.Compile(
            [new("huge", string.Join(" & ", dimensions)), new("user", "+huge | solo")],
            name => name);

        Assert.Equal("huge", Assert.Single(result.Errors).SetName);
        Assert.Empty(result.Sets);
    }

    [Fact]
    public void CanContainAll_ChecksEveryExpansionOfEverySet()
    {
        var matrix = new MatrixConfig { Sets = Compile(("pairs", "(a|b) & (c|d)"), ("solo", "e")).Sets };

        Assert.True(matrix.CanContainAll(["a", "c"]));
        Assert.True(matrix.CanContainAll(["d"]));
        Assert.True(matrix.CanContainAll(["e"]));
        Assert.True(matrix.CanContainAll([]));
        Assert.False(matrix.CanContainAll(["a", "b"]));
        Assert.False(matrix.CanContainAll(["a", "e"]));
        Assert.False(matrix.CanContainAll(["unknown"]));
    }

    private static MatrixCompileResult Compile(params (string Name, string Dsl)[] sets) =>
        MatrixSetCompiler.Compile(
            sets.Select(s => KeyValuePair.Create(s.Name, s.Dsl)).ToList(),
            name => KnownModels.Contains(name) ? name : null);

    private static MatrixCompileResult Product(string name, int dimensions, int choices)
    {
        var groups = Enumerable.Range(0, dimensions)
            .Select(d => "(" + string.Join(" | ", Enumerable.Range(0, choices).Select(c => $"model-{d}-{c}")) + ")");
        return MatrixSetCompiler.Compile([new(name, string.Join(" & ", groups))], id => id);
    }

    private static string[] Show(MatrixSet set) =>
        set.Expansions.Select(expansion => string.Join(",", expansion)).ToArray();
}

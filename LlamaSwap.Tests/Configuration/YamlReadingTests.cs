using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class YamlReadingTests
{
    [Fact]
    public void SyntaxErrorIsReportedWithItsPosition()
    {
        var result = Load(Yaml(
            "models:",
            "  a:",
            "    cmd: [unclosed"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("models.yaml", error.File);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.StartsWith("invalid YAML: ", error.Message);
        Assert.Null(result.Config);
    }

    [Fact]
    public void TopLevelMustBeAMapping() =>
        AssertError(Yaml("- a", "- b"), "models.yaml:1:1: top-level YAML must be a mapping (got sequence)");

    [Fact]
    public void EmptyAndCommentOnlyDocumentsLoadWithDefaults()
    {
        Assert.Empty(LoadValid("").Models);
        var config = LoadValid(Yaml("# nothing here", "   # still nothing"));
        Assert.Empty(config.Models);
        Assert.Equal(5800, config.StartPort);
    }

    [Fact]
    public void DuplicateKeyIsAnError() =>
        AssertError(Yaml(
            "models:",
            "  a:",
            "    cmd: x",
            "    proxy: http://h:1",
            "    ttl: 5",
            "    ttl: 6"),
            "models.yaml:6:5: duplicate key 'ttl' (already defined at line 5)");

    [Fact]
    public void UnknownAnchorIsAnError() =>
        AssertError(Yaml("models:", "  a: *missing"), "models.yaml:2:6: unknown YAML anchor '*missing'");

    [Fact]
    public void OnlyTheFirstDocumentIsUsed()
    {
        var result = AssertWarning(Yaml("startPort: 7000", "---", "startPort: 8000"),
            "models.yaml:2:1: only the first YAML document is used; later documents are ignored");
        Assert.Equal(7000, result.Config!.StartPort);
    }

    [Fact]
    public void AnchorsAndMergeKeysAreMaterialisedPerModel()
    {
        var config = LoadValid(Yaml(
            "defs:",
            "  base: &base",
            "    cmd: server --name ${MODEL_ID} --port ${PORT}",
            "    ttl: 60",
            "    aliases: []",
            "models:",
            "  a:",
            "    <<: *base",
            "  b:",
            "    <<: *base",
            "    ttl: 5"));

        Assert.Equal("server --name a --port 5800", config.Models["a"].Cmd);
        Assert.Equal("server --name b --port 5801", config.Models["b"].Cmd);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Models["a"].Ttl);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Models["b"].Ttl);
    }

    [Fact]
    public void MergeKeyListGivesPrecedenceToEarlierMappings()
    {
        var config = LoadValid(Yaml(
            "x1: &one { ttl: 1, name: one }",
            "x2: &two { ttl: 2, name: two, description: two }",
            "models:",
            "  a:",
            "    <<: [*one, *two]",
            "    cmd: s",
            "    proxy: http://h:1"));

        Assert.Equal(TimeSpan.FromSeconds(1), config.Models["a"].Ttl);
        Assert.Equal("one", config.Models["a"].Name);
        Assert.Equal("two", config.Models["a"].Description);
    }

    [Fact]
    public void QuotedMergeKeyIsAnOrdinaryKey() =>
        AssertWarning(Yaml("models:", "  a:", "    cmd: s", "    proxy: http://h:1", "    '<<': {}"),
            "models.yaml:5:5 models.a.<<: unknown key '<<' (ignored)");

    [Fact]
    public void MergeKeyNeedsMappings() =>
        AssertError(Yaml("models:", "  a:", "    <<: 5", "    cmd: s"),
            "models.yaml:3:9: merge key '<<' needs a mapping or a list of mappings, not a int");
}

using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class AliasTests
{
    [Fact]
    public void AliasesAndSetParamsByIdKeysResolveToTheirModel()
    {
        var config = LoadValid(Yaml(
            "models:",
            "  qwen:",
            "    cmd: s ${PORT}",
            "    aliases: [gpt-4o, coder]",
            "    filters:",
            "      setParamsByID:",
            "        qwen: { a: 1 }",
            "        coder: { b: 2 }",
            "        qwen-think: { c: 3 }"));

        Assert.Equal("qwen", config.ResolveModelId("gpt-4o"));
        Assert.Equal("qwen", config.ResolveModelId("qwen-think"));
        Assert.Equal("qwen", config.ResolveModelId("qwen"));
        Assert.Null(config.ResolveModelId("nope"));
        Assert.Equal(["coder", "gpt-4o", "qwen-think"], config.Aliases.Keys.Order());
        Assert.Equal(["gpt-4o", "coder"], config.Models["qwen"].Aliases);
    }

    [Fact]
    public void DuplicateAliasAcrossModelsIsAnError() =>
        AssertError(Yaml(
            "models:",
            "  a: { cmd: 's ${PORT}', aliases: [shared] }",
            "  b: { cmd: 's ${PORT}', aliases: [shared] }"),
            "models.yaml:3:36 models.b.aliases[0]: duplicate alias shared found in model: b (already used by model a)");

    [Fact]
    public void AliasEqualToAModelIdIsAnError() =>
        AssertError(Yaml(
            "models:",
            "  a: { cmd: 's ${PORT}', aliases: [b] }",
            "  b: { cmd: 's ${PORT}' }"),
            "models.yaml:2:36 models.a.aliases[0]: alias 'b' conflicts with an existing model ID");

    [Fact]
    public void SetParamsByIdKeyEqualToAnotherModelIdIsAnError() =>
        AssertError(Yaml(
            "models:",
            "  a: { cmd: 's ${PORT}', filters: { setParamsByID: { b: { x: 1 } } } }",
            "  b: { cmd: 's ${PORT}' }"),
            "models.yaml:2:54 models.a.filters.setParamsByID.b: key 'b' conflicts with an existing model ID");

    [Fact]
    public void SetParamsByIdKeyAlreadyAnAliasOfAnotherModelIsAnError() =>
        AssertError(Yaml(
            "models:",
            "  a: { cmd: 's ${PORT}', aliases: [fast] }",
            "  b: { cmd: 's ${PORT}', filters: { setParamsByID: { fast: { x: 1 } } } }"),
            "models.yaml:3:54 models.b.filters.setParamsByID.fast: duplicate alias 'fast' in filters.setParamsByID, already used by model a");

    [Fact]
    public void EmptyAliasIsIgnoredWithAWarning()
    {
        var result = AssertWarning(Yaml("models:", "  a: { cmd: 's ${PORT}', aliases: [''] }"),
            "models.yaml:2:36 models.a.aliases[0]: empty alias ignored");

        Assert.Empty(result.Config!.Aliases);
    }
}

using System.Text.Json;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class MacroTests
{
    [Fact]
    public void GlobalMacrosApplyToModelsAndTopLevelValues()
    {
        var config = LoadValid(Yaml(
            "macros:",
            "  bin: /opt/llama-server",
            "  ttl: 300",
            "  loading: true",
            "globalTTL: ${ttl}",
            "sendLoadingState: ${loading}",
            "apiKeys: ['key-${ttl}']",
            "models:",
            "  a:",
            "    cmd: ${bin} --port ${PORT}"));

        Assert.Equal(TimeSpan.FromSeconds(300), config.GlobalTtl);
        Assert.True(config.SendLoadingState);
        Assert.Equal(["key-300"], config.ApiKeys);
        Assert.Equal("/opt/llama-server --port 5800", config.Models["a"].Cmd);
    }

    [Fact]
    public void MacroMayUseEarlierMacrosButNotLaterOnes()
    {
        var result = Load(Yaml(
            "macros:",
            "  first: one",
            "  second: \"${first}-two\"",
            "  early: \"${late}\"",
            "  late: three",
            "models:",
            "  a:",
            "    cmd: echo ${second} ${early}",
            "    proxy: http://h:1"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("models.yaml:8:10 models.a.cmd: unknown macro '${late}'", error.ToString());
    }

    [Fact]
    public void ModelMacroOverridesGlobalInPlaceSoOtherGlobalsSeeIt()
    {
        var config = LoadValid(Yaml(
            "macros:",
            "  tag: global-level",
            "  msg: value-${tag}",
            "models:",
            "  a:",
            "    macros:",
            "      tag: model-level",
            "      extra: \"${msg}!\"",
            "    cmd: echo ${msg} ${extra}",
            "    proxy: http://h:1",
            "  b:",
            "    cmd: echo ${msg}",
            "    proxy: http://h:2"));

        Assert.Equal("echo value-model-level value-model-level!", config.Models["a"].Cmd);
        Assert.Equal("echo value-global-level", config.Models["b"].Cmd);
    }

    [Fact]
    public void ModelMacrosDoNotLeakToOtherModels() =>
        AssertError(Yaml(
            "models:",
            "  a:",
            "    macros: { mine: x }",
            "    cmd: echo ${mine}",
            "    proxy: http://h:1",
            "  b:",
            "    cmd: echo ${mine}",
            "    proxy: http://h:2"),
            "models.yaml:7:10 models.b.cmd: unknown macro '${mine}'");

    [Fact]
    public void ModelIdIsSubstitutedLastSoGlobalMacrosMayUseIt()
    {
        var config = LoadValid(Yaml(
            "macros:",
            "  model-path: /models/${MODEL_ID}.gguf",
            "models:",
            "  qwen:",
            "    cmd: server -m ${model-path}",
            "    proxy: http://h:1",
            "    name: ${MODEL_ID}"));

        Assert.Equal("server -m /models/qwen.gguf", config.Models["qwen"].Cmd);
        Assert.Equal("qwen", config.Models["qwen"].Name);
    }

    [Fact]
    public void ExactMacroValueKeepsItsType()
    {
        var config = LoadValid(Yaml(
            "macros:",
            "  t: 120",
            "  temp: 0.5",
            "  yes: true",
            "  quoted: \"42\"",
            "models:",
            "  a:",
            "    cmd: server --port ${PORT}",
            "    ttl: \"${t}\"",
            "    metadata:",
            "      port: ${PORT}",
            "      temp: ${temp}",
            "      flag: ${yes}",
            "      text: ${quoted}",
            "      mixed: \"t=${t}\"",
            "    filters:",
            "      setParams:",
            "        temperature: ${temp}"));

        var model = config.Models["a"];
        Assert.Equal(TimeSpan.FromSeconds(120), model.Ttl);
        Assert.Equal(JsonValueKind.Number, model.Metadata.GetProperty("port").ValueKind);
        Assert.Equal(5800, model.Metadata.GetProperty("port").GetInt32());
        Assert.Equal(0.5, model.Metadata.GetProperty("temp").GetDouble());
        Assert.Equal(JsonValueKind.True, model.Metadata.GetProperty("flag").ValueKind);
        Assert.Equal("42", model.Metadata.GetProperty("text").GetString());
        Assert.Equal("t=120", model.Metadata.GetProperty("mixed").GetString());
        Assert.Equal(0.5, model.Filters.SetParams["temperature"].GetDouble());
    }

    [Fact]
    public void CommentLinesInCommandsAreRemovedBeforeExpansion()
    {
        var config = LoadValid(Yaml(
            "models:",
            "  a:",
            "    cmd: |",
            "      server",
            "      # --old-flag ${not-a-macro}",
            "        # indented comment ${also-not}",
            "      --port ${PORT} # trailing text is kept",
            "    cmdStop: |",
            "      # ${nope}",
            "      kill ${PID}"));

        Assert.Equal("server\n--port 5800 # trailing text is kept\n", config.Models["a"].Cmd);
        Assert.Equal("kill ${PID}\n", config.Models["a"].CmdStop);
    }

    [Fact]
    public void SetParamsByIdKeysAreExpanded()
    {
        var config = LoadValid(Yaml(
            "macros: { suffix: high }",
            "models:",
            "  a:",
            "    cmd: s",
            "    proxy: http://h:1",
            "    filters:",
            "      setParamsByID:",
            "        \"${MODEL_ID}:${suffix}\": { reasoning_effort: high }"));

        Assert.Equal(["a:high"], config.Models["a"].Filters.SetParamsById.Keys);
        Assert.Equal("a", config.Aliases["a:high"]);
    }

    [Fact]
    public void SetParamsByIdKeysResolvingToTheSameValueAreAnError() =>
        AssertError(Yaml(
            "macros: { x: a }",
            "models:",
            "  a:",
            "    cmd: s",
            "    proxy: http://h:1",
            "    filters:",
            "      setParamsByID:",
            "        \"${x}:1\": { t: 1 }",
            "        \"a:1\": { t: 2 }"),
            "models.yaml:9:9 models.a.filters.setParamsByID.a:1: keys '${x}:1' and 'a:1' resolve to the same value 'a:1'");

    [Fact]
    public void UnresolvedMacroInSetParamsByIdKeyIsAnError() =>
        AssertError(Yaml(
            "models:",
            "  a:",
            "    cmd: s",
            "    proxy: http://h:1",
            "    filters:",
            "      setParamsByID:",
            "        \"${nope}:1\": { t: 1 }"),
            "models.yaml:7:9 models.a.filters.setParamsByID.${nope}:1: unknown macro '${nope}' found in filters.setParamsByID key");

    [Theory]
    [InlineData("  PORT: 1", "models.yaml:2:3 macros.PORT: macro name 'PORT' is reserved")]
    [InlineData("  MODEL_ID: x", "models.yaml:2:3 macros.MODEL_ID: macro name 'MODEL_ID' is reserved")]
    [InlineData("  PID: x", "models.yaml:2:3 macros.PID: macro name 'PID' is reserved")]
    [InlineData("  bad name: x", "models.yaml:2:3 macros.bad name: macro name 'bad name' must match ^[a-zA-Z0-9_-]+$")]
    [InlineData("  me: \"a ${me}\"", "models.yaml:2:7 macros.me: macro 'me' contains self-reference")]
    [InlineData("  list: [1, 2]", "models.yaml:2:9 macros.list: macro 'list' has invalid type sequence, must be a scalar type (string, int, float, or bool)")]
    [InlineData("  map: { a: 1 }", "models.yaml:2:8 macros.map: macro 'map' has invalid type mapping, must be a scalar type (string, int, float, or bool)")]
    [InlineData("  empty:", "models.yaml:2:9 macros.empty: macro 'empty' has invalid type null, must be a scalar type (string, int, float, or bool)")]
    public void InvalidGlobalMacroDeclarations(string declaration, string expected) =>
        AssertError(Yaml("macros:", declaration), expected);

    [Fact]
    public void MacroNameLengthIsLimited()
    {
        var name = new string('m', 64);
        AssertError(Yaml("macros:", $"  {name}: x"), $"models.yaml:2:3 macros.{name}: macro name '{name}' exceeds maximum length of 63 characters");
        LoadValid(Yaml("macros:", $"  {name[..63]}: x"));
    }

    [Fact]
    public void ModelMacroErrorsNameTheModel() =>
        AssertError(Yaml(
            "models:",
            "  a:",
            "    macros:",
            "      PORT: 5",
            "    cmd: s",
            "    proxy: http://h:1"),
            "models.yaml:4:7 models.a.macros.PORT: macro name 'PORT' is reserved");

    [Theory]
    [InlineData("    cmd: s ${nope}", "models.yaml:4:10 models.a.cmd: unknown macro '${nope}'")]
    [InlineData("    cmd: kill ${PID}", "models.yaml:4:10 models.a.cmd: unknown macro '${PID}' (${PID} is only available in cmdStop)")]
    [InlineData("    checkEndpoint: /h?p=${PORT}", "models.yaml:4:20 models.a.checkEndpoint: macro '${PORT}' should have been substituted (${PORT} is only available when cmd uses it)")]
    [InlineData("    env: ['A=${nope}']", "models.yaml:4:11 models.a.env[0]: unknown macro '${nope}'")]
    [InlineData("    metadata: { deep: { x: ['${nope}'] } }", "models.yaml:4:29 models.a.metadata.deep.x[0]: unknown macro '${nope}'")]
    [InlineData("    capabilities: { in: ['${nope}'] }", "models.yaml:4:26 models.a.capabilities.in[0]: unknown macro '${nope}'")]
    public void LeftoverMacrosInModelsAreErrors(string line, string expected)
    {
        var result = Load(Yaml("models:", "  a:", "    proxy: http://h:1", line));

        Assert.Contains(result.Errors, e => e.ToString() == expected);
    }

    [Fact]
    public void LeftoverMacrosInTopLevelSectionsAreErrors() =>
        AssertError(Yaml(
            "peers:",
            "  openrouter:",
            "    proxy: https://openrouter.ai/api",
            "    apiKey: ${OPENROUTER_KEY}",
            "    models: [m]"),
            "models.yaml:4:13 peers.openrouter.apiKey: unknown macro '${OPENROUTER_KEY}'");

    [Fact]
    public void UnknownTopLevelKeysAreNotCheckedForMacros()
    {
        var result = Load(Yaml("defs:", "  x: ${whatever}"));

        Assert.True(result.Succeeded, Describe(result));
    }
}

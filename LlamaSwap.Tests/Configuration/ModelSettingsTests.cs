using System.Text.Json;
using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class ModelSettingsTests
{
    private static string Model(params string[] lines) =>
        Yaml(["models:", "  m:", "    cmd: server --port ${PORT}", .. lines]);

    [Fact]
    public void DefaultsMatchTheReference()
    {
        var model = LoadValid(Model()).Models["m"];

        Assert.Equal("m", model.Id);
        Assert.Equal("", model.CmdStop);
        Assert.Equal("http://localhost:5800", model.Proxy);
        Assert.Equal("/health", model.CheckEndpoint);
        Assert.Null(model.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(10), model.UnloadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(120), model.HealthCheckTimeout);
        Assert.Empty(model.Aliases);
        Assert.Empty(model.Env);
        Assert.False(model.Unlisted);
        Assert.Equal("", model.UseModelName);
        Assert.Equal(10, model.ConcurrencyLimit);
        Assert.False(model.SendLoadingState);
        Assert.Equal(LoadingStateStyle.Reasoning, model.LoadingStateStyle);
        Assert.Equal(JsonValueKind.Object, model.Metadata.ValueKind);
        Assert.Empty(model.Metadata.EnumerateObject());
        Assert.Equal(new UpstreamTimeouts(), model.Timeouts);
        Assert.True(model.Capabilities.IsEmpty);
        Assert.False(model.IgnoreWebsockets);
        Assert.Empty(model.Filters.StripParams);
    }

    [Theory]
    [InlineData("globalTTL: 30", "", 30)]
    [InlineData("globalTTL: 30", "    ttl: -1", 30)]
    [InlineData("globalTTL: 30", "    ttl: 0", null)]
    [InlineData("globalTTL: 30", "    ttl: 5", 5)]
    [InlineData("", "    ttl: 5", 5)]
    [InlineData("", "", null)]
    public void TtlFallsBackToGlobalAndZeroMeansNever(string global, string ttl, int? expected)
    {
        var model = LoadValid(global + "\n" + Model(ttl)).Models["m"];

        Assert.Equal(expected is null ? null : TimeSpan.FromSeconds(expected.Value), model.Ttl);
    }

    [Fact]
    public void UnloadTimeoutZeroUsesGlobal()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), LoadValid("unloadTimeout: 4\n" + Model("    unloadTimeout: 0")).Models["m"].UnloadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), LoadValid("unloadTimeout: 4\n" + Model("    unloadTimeout: 7")).Models["m"].UnloadTimeout);
    }

    [Fact]
    public void HealthCheckTimeoutIsCopiedFromGlobal() =>
        Assert.Equal(TimeSpan.FromSeconds(200), LoadValid("healthCheckTimeout: 200\n" + Model()).Models["m"].HealthCheckTimeout);

    [Fact]
    public void PerModelHealthCheckTimeoutIsIgnoredWithAWarning() =>
        AssertWarning(Model("    healthCheckTimeout: 500"),
            "models.yaml:4:5 models.m.healthCheckTimeout: healthCheckTimeout is a top-level setting; the per-model value is ignored");

    [Theory]
    [InlineData(0, 10)]
    [InlineData(3, 3)]
    public void ConcurrencyLimitZeroMeansTen(int given, int expected) =>
        Assert.Equal(expected, LoadValid(Model($"    concurrencyLimit: {given}")).Models["m"].ConcurrencyLimit);

    [Fact]
    public void ComfyUiModelGetsAtLeastFiftyAndIgnoresWebsockets()
    {
        var config = LoadValid(Yaml("models:", "  comfyui_auto:", "    cmd: comfy --port ${PORT}", "    concurrencyLimit: 5"));

        Assert.Equal(50, config.Models["comfyui_auto"].ConcurrencyLimit);
        Assert.True(config.Models["comfyui_auto"].IgnoreWebsockets);
    }

    [Fact]
    public void SendLoadingStateAndStyleFallBackToGlobal()
    {
        var config = LoadValid(Yaml(
            "sendLoadingState: true",
            "loadingStateStyle: comments",
            "models:",
            "  a: { cmd: 's ${PORT}' }",
            "  b: { cmd: 's ${PORT}', sendLoadingState: false, loadingStateStyle: reasoning }"));

        Assert.True(config.Models["a"].SendLoadingState);
        Assert.Equal(LoadingStateStyle.Comments, config.Models["a"].LoadingStateStyle);
        Assert.False(config.Models["b"].SendLoadingState);
        Assert.Equal(LoadingStateStyle.Reasoning, config.Models["b"].LoadingStateStyle);
    }

    [Fact]
    public void FiltersAreNormalised()
    {
        var filters = LoadValid(Model(
            "    filters:",
            "      stripParams: ' top_k, temperature ,model,, top_k '",
            "      setParams:",
            "        temperature: 0.7",
            "        chat_template_kwargs.enable_thinking: false",
            "        stop: ['a', 'b']",
            "      setParamsByID:",
            "        m: { x: 1 }",
            "        m-fast: { reasoning: { effort: low } }")).Models["m"].Filters;

        Assert.Equal(["temperature", "top_k"], filters.StripParams);
        Assert.Equal(["chat_template_kwargs.enable_thinking", "stop", "temperature"], filters.SetParams.Keys);
        Assert.Equal(0.7, filters.SetParams["temperature"].GetDouble());
        Assert.Equal(JsonValueKind.Array, filters.SetParams["stop"].ValueKind);
        Assert.Equal("low", filters.SetParamsById["m-fast"]["reasoning"].GetProperty("effort").GetString());
    }

    [Fact]
    public void LegacyStripParamsIsUsedWhenStripParamsIsEmpty()
    {
        Assert.Equal(["a", "b"], LoadValid(Model("    filters: { strip_params: 'b,a' }")).Models["m"].Filters.StripParams);
        Assert.Equal(["c"], LoadValid(Model("    filters: { stripParams: c, strip_params: 'b,a' }")).Models["m"].Filters.StripParams);
    }

    [Fact]
    public void ModelCannotBeSetByFilters()
    {
        var result = AssertWarning(Model("    filters: { setParams: { model: other, t: 1 } }"),
            "models.yaml:4:29 models.m.filters.setParams.model: 'model' cannot be overridden by filters; ignored");

        Assert.Equal(["t"], result.Config!.Models["m"].Filters.SetParams.Keys);
    }

    [Fact]
    public void CheckEndpointNoneIsTrimmed() =>
        Assert.Equal("none", LoadValid(Model("    checkEndpoint: ' none '")).Models["m"].CheckEndpoint);

    [Fact]
    public void NameAndDescriptionAreTrimmed()
    {
        var model = LoadValid(Model("    name: '  Qwen  '", "    description: ' fast '")).Models["m"];

        Assert.Equal("Qwen", model.Name);
        Assert.Equal("fast", model.Description);
    }

    [Fact]
    public void TimeoutsAndCapabilitiesAreRead()
    {
        var model = LoadValid(Model(
            "    timeouts: { connect: 5, keepalive: 0, responseHeader: 600, tlsHandshake: 2, expectContinue: 3, idleConn: 4 }",
            "    capabilities: { in: [text, image], out: [text, audio], tools: true, reranker: true, context: 32768 }",
            "    compat: { ignoreWebsockets: true }")).Models["m"];

        Assert.Equal(TimeSpan.FromSeconds(5), model.Timeouts.Connect);
        Assert.Null(model.Timeouts.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(600), model.Timeouts.ResponseHeader);
        Assert.Equal(TimeSpan.FromSeconds(2), model.Timeouts.TlsHandshake);
        Assert.Equal(TimeSpan.FromSeconds(3), model.Timeouts.ExpectContinue);
        Assert.Equal(TimeSpan.FromSeconds(4), model.Timeouts.IdleConnection);
        Assert.Equal([Modality.Text, Modality.Image], model.Capabilities.In);
        Assert.Equal([Modality.Text, Modality.Audio], model.Capabilities.Out);
        Assert.True(model.Capabilities.Tools);
        Assert.True(model.Capabilities.Reranker);
        Assert.Equal(32768, model.Capabilities.Context);
        Assert.True(model.IgnoreWebsockets);
    }

    [Theory]
    [InlineData("    ttl: -2", "models.yaml:4:10 models.m.ttl: invalid TTL value -2: must be >= -1 (-1 uses globalTTL, 0 never unloads)")]
    [InlineData("    unloadTimeout: -1", "models.yaml:4:20 models.m.unloadTimeout: invalid unloadTimeout value -1: must be >= 0 (0 uses the global unloadTimeout)")]
    [InlineData("    concurrencyLimit: -1", "models.yaml:4:23 models.m.concurrencyLimit: must be >= 0 (got -1; 0 uses the default of 10)")]
    [InlineData("    proxy: not a url", "models.yaml:4:12 models.m.proxy: invalid proxy URL: \"not a url\" (need an absolute http:// or https:// URL)")]
    [InlineData("    proxy: ftp://h/x", "models.yaml:4:12 models.m.proxy: invalid proxy URL: \"ftp://h/x\" (need an absolute http:// or https:// URL)")]
    [InlineData("    capabilities: { in: [video] }", "models.yaml:4:26 models.m.capabilities.in[0]: invalid modality \"video\", must be one of: text, audio, image")]
    [InlineData("    capabilities: { out: [text, smell] }", "models.yaml:4:33 models.m.capabilities.out[1]: invalid modality \"smell\", must be one of: text, audio, image")]
    [InlineData("    capabilities: { context: -1 }", "models.yaml:4:30 models.m.capabilities.context: must be >= 0 (got -1)")]
    [InlineData("    timeouts: { connect: -1 }", "models.yaml:4:26 models.m.timeouts.connect: must be >= 0 (got -1)")]
    [InlineData("    metadata: [a]", "models.yaml:4:15 models.m.metadata: must be a mapping (got sequence)")]
    [InlineData("    aliases: a", "models.yaml:4:14 models.m.aliases: must be a list of strings (got string \"a\")")]
    [InlineData("    env: [{ A: b }]", "models.yaml:4:11 models.m.env[0]: must be a string (got mapping)")]
    [InlineData("    filters: { setParamsByID: { x: 1 } }", "models.yaml:4:36 models.m.filters.setParamsByID.x: must be a mapping (got int 1)")]
    [InlineData("    loadingStateStyle: silent", "models.yaml:4:24 models.m.loadingStateStyle: must be one of: reasoning, comments (got \"silent\")")]
    public void InvalidModelSettings(string line, string expected) => AssertError(Model(line), expected);

    [Fact]
    public void ModelMustBeAMapping() =>
        AssertError(Yaml("models:", "  m: server"), "models.yaml:2:6 models.m: must be a mapping (got string \"server\")");

    [Fact]
    public void NullModelGetsDefaultsAndTheDefaultProxyRule() =>
        AssertError(Yaml("models:", "  m:"),
            "models.yaml:2:3 models.m.proxy: proxy uses ${PORT} but cmd does not - ${PORT} is only available when used in cmd " +
            "(a model needs a cmd that starts its server, or an endpoint: the URL of a server already running)");

    [Fact]
    public void ACmdWithoutPortStillGetsTheDefaultProxyHint() =>
        AssertError(Yaml("models:", "  m:", "    cmd: server --fixed-port 9000"),
            "models.yaml:2:3 models.m.proxy: proxy uses ${PORT} but cmd does not - ${PORT} is only available when used in cmd " +
            "(proxy defaults to http://localhost:${PORT}: set proxy to the server's URL, or use ${PORT} in cmd)");

    [Fact]
    public void CmdMayBeOmittedWhenProxyIsGiven()
    {
        var model = LoadValid(Yaml("models:", "  remote:", "    proxy: http://10.0.0.2:8080")).Models["remote"];

        Assert.Equal("", model.Cmd);
        Assert.Null(model.Port);
    }
}

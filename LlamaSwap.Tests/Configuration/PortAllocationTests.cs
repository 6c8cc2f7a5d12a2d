using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class PortAllocationTests
{
    [Fact]
    public void PortsGoToModelsUsingThemInIdOrderFromStartPort()
    {
        var config = LoadValid(Yaml(
            "startPort: 9000",
            "models:",
            "  zeta:",
            "    cmd: server --port ${PORT}",
            "  alpha:",
            "    cmd: server --port ${PORT}",
            "  middle:",
            "    cmd: server --port 1234",
            "    proxy: http://127.0.0.1:1234",
            "  beta:",
            "    cmd: server --port=${PORT}",
            "    checkEndpoint: /health?port=${PORT}",
            "    aliases: ['beta-${PORT}']",
            "    env: ['PORT=${PORT}']",
            "    filters:",
            "      setParamsByID:",
            "        'beta@${PORT}': { x: 1 }"));

        Assert.Equal(9000, config.Models["alpha"].Port);
        Assert.Equal(9001, config.Models["beta"].Port);
        Assert.Null(config.Models["middle"].Port);
        Assert.Equal(9002, config.Models["zeta"].Port);
        var beta = config.Models["beta"];
        Assert.Equal("server --port=9001", beta.Cmd);
        Assert.Equal("http://localhost:9001", beta.Proxy);
        Assert.Equal("/health?port=9001", beta.CheckEndpoint);
        Assert.Equal(["beta-9001"], beta.Aliases);
        Assert.Equal(["PORT=9001"], beta.Env);
        Assert.Equal(["beta@9001"], beta.Filters.SetParamsById.Keys);
        Assert.Equal("beta", config.Aliases["beta@9001"]);
    }

    [Fact]
    public void StartPortMayBeAMacro()
    {
        var config = LoadValid(Yaml("macros: { base: 7000 }", "startPort: ${base}", "models:", "  a: { cmd: 's ${PORT}' }"));

        Assert.Equal(7000, config.Models["a"].Port);
    }

    [Fact]
    public void PortCanComeFromAMacroUsedInCmd()
    {
        var config = LoadValid(Yaml("macros: { port-flag: '--port ${PORT}' }", "models:", "  a: { cmd: 's ${port-flag}' }"));

        Assert.Equal("s --port 5800", config.Models["a"].Cmd);
    }

    [Fact]
    public void DefaultProxyWithoutPortInCmdIsAnError() =>
        AssertError(Yaml("models:", "  a:", "    cmd: server --port 8080"),
            "models.yaml:2:3 models.a.proxy: proxy uses ${PORT} but cmd does not - ${PORT} is only available when used in cmd " +
            "(proxy defaults to http://localhost:${PORT}: set proxy to the server's URL, or use ${PORT} in cmd)");

    [Fact]
    public void ExplicitProxyWithPortButNotInCmdIsAnError()
    {
        var result = AssertError(Yaml("models:", "  a:", "    cmd: server", "    proxy: http://localhost:${PORT}/v1"),
            "models.yaml:4:12 models.a.proxy: proxy uses ${PORT} but cmd does not - ${PORT} is only available when used in cmd");

        Assert.Single(result.Errors);
    }

    [Fact]
    public void PortInCommentLineDoesNotAllocate() =>
        AssertError(Yaml("models:", "  a:", "    cmd: |", "      server", "      # --port ${PORT}"),
            "models.yaml:2:3 models.a.proxy: proxy uses ${PORT} but cmd does not - ${PORT} is only available when used in cmd " +
            "(proxy defaults to http://localhost:${PORT}: set proxy to the server's URL, or use ${PORT} in cmd)");
}

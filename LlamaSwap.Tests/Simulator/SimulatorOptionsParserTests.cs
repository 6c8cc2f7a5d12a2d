using LlamaSwap.Simulator.Options;

namespace LlamaSwap.Tests.Simulator;

public sealed class SimulatorOptionsParserTests
{
    [Fact]
    public void DefaultsApplyWhenOnlyThePortIsGiven()
    {
        var options = Parse("--port", "8080");

        Assert.Equal(8080, options.Port);
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal("simulator", options.Model);
        Assert.Equal(TimeSpan.Zero, options.LoadTime);
        Assert.Equal(SimulatorOptions.DefaultTokensPerSecond, options.TokensPerSecond);
        Assert.Equal(SimulatorOptions.DefaultMaxTokens, options.MaxTokens);
        Assert.Null(options.Response);
        Assert.IsType<FailureMode.None>(options.Failure);
        Assert.Equal(SigtermBehaviour.Honour, options.Sigterm);
        Assert.False(options.ForkChild);
        Assert.Null(options.ExpectModel);
        Assert.False(options.Quiet);
    }

    [Fact]
    public void EveryOptionIsRead()
    {
        var options = Parse(
            "--port=0", "--host", "0.0.0.0", "--model", "qwen", "--load-time", "1m30s", "--tokens-per-second", "12.5",
            "--max-tokens", "3", "--response", "hello  world", "--fail", "crash-after:7", "--sigterm", "delay:250ms",
            "--fork-child", "--expect-model", "qwen-real", "--quiet");

        Assert.Equal(0, options.Port);
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal("qwen", options.Model);
        Assert.Equal(TimeSpan.FromSeconds(90), options.LoadTime);
        Assert.Equal(12.5, options.TokensPerSecond);
        Assert.Equal(3, options.MaxTokens);
        Assert.Equal("hello  world", options.Response);
        Assert.Equal(new FailureMode.CrashAfterTokens(7), options.Failure);
        Assert.Equal(new SigtermBehaviour(SigtermAction.Delay, TimeSpan.FromMilliseconds(250)), options.Sigterm);
        Assert.True(options.ForkChild);
        Assert.Equal("qwen-real", options.ExpectModel);
        Assert.True(options.Quiet);
    }

    [Theory]
    [InlineData("exit:3", "ExitAtStart")]
    [InlineData("unhealthy", "Unhealthy")]
    [InlineData("hang", "Hang")]
    [InlineData("crash-after:1", "CrashAfterTokens")]
    public void FailureModesAreRecognised(string value, string expectedKind)
    {
        Assert.Equal(expectedKind, Parse("--port", "1", "--fail", value).Failure.GetType().Name);
    }

    [Theory]
    [InlineData(new string[0], "--port is required")]
    [InlineData(new[] { "--port", "1", "--bogus" }, "unknown argument '--bogus'")]
    [InlineData(new[] { "--port", "x" }, "--port: 'x' is not a port number")]
    [InlineData(new[] { "--port", "70000" }, "--port: '70000' is not a port number")]
    [InlineData(new[] { "--port" }, "--port needs a value")]
    [InlineData(new[] { "--port", "1", "--load-time", "5" }, "--load-time: '5' is not a duration")]
    [InlineData(new[] { "--port", "1", "--tokens-per-second", "-1" }, "--tokens-per-second: '-1'")]
    [InlineData(new[] { "--port", "1", "--fail", "exit:300" }, "--fail: 'exit:300' is not one of")]
    [InlineData(new[] { "--port", "1", "--fail", "crash-after:0" }, "--fail: 'crash-after:0'")]
    [InlineData(new[] { "--port", "1", "--sigterm", "sometimes" }, "--sigterm: 'sometimes' is not one of")]
    [InlineData(new[] { "--port", "1", "--host", "example.com" }, "--host: 'example.com' is not an IP address")]
    [InlineData(new[] { "--port", "1", "--quiet=yes" }, "--quiet takes no value")]
    public void BadArgumentsAreNamedInTheError(string[] args, string expected)
    {
        var result = SimulatorOptionsParser.Parse(args);

        Assert.Null(result.Options);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpIsRecognised()
    {
        Assert.True(SimulatorOptionsParser.Parse(["--help"]).HelpRequested);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m", 60_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    public void DurationsUseGoNotation(string text, int expectedMilliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("-1s")]
    [InlineData("1s5")]
    public void MalformedDurationsAreRejected(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }

    private static SimulatorOptions Parse(params string[] args)
    {
        var result = SimulatorOptionsParser.Parse(args);
        Assert.Null(result.Error);
        return result.Options!;
    }
}

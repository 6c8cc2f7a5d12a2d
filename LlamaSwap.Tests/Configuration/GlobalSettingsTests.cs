using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class GlobalSettingsTests
{
    [Fact]
    public void DefaultsMatchTheReference()
    {
        var config = LoadValid("");

        Assert.Equal(TimeSpan.FromSeconds(120), config.HealthCheckTimeout);
        Assert.Equal(LogLevelSetting.Info, config.LogLevel);
        Assert.Equal("", config.LogTimeFormat);
        Assert.Equal(LogToStdout.Proxy, config.LogToStdout);
        Assert.Equal(1000, config.MetricsMaxInMemory);
        Assert.Equal(5, config.CaptureBufferMb);
        Assert.Null(config.StorePath);
        Assert.Equal(["X-Session-ID", "X-Litellm-Session-Id"], config.UiSessionIdHeaders);
        Assert.False(config.Performance.Disabled);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Performance.Every);
        Assert.Equal(5800, config.StartPort);
        Assert.False(config.SendLoadingState);
        Assert.Equal(LoadingStateStyle.Reasoning, config.LoadingStateStyle);
        Assert.False(config.IncludeAliasesInList);
        Assert.Null(config.GlobalTtl);
        Assert.Equal(TimeSpan.FromSeconds(10), config.UnloadTimeout);
        Assert.Empty(config.ApiKeys);
        Assert.Equal([@".*\.(js|json|css|png|gif|jpg|jpeg|ico|txt)$"], config.UpstreamIgnorePaths);
        Assert.Equal(RouterKind.Group, config.Routing.Router);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Routing.StarvationBound);
    }

    [Theory]
    [InlineData(5, 15)]
    [InlineData(15, 15)]
    [InlineData(300, 300)]
    public void HealthCheckTimeoutIsRaisedTo15(int given, int expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), LoadValid($"healthCheckTimeout: {given}\n").HealthCheckTimeout);

    [Theory]
    [InlineData("debug", LogLevelSetting.Debug)]
    [InlineData(" WARN ", LogLevelSetting.Warn)]
    [InlineData("Error", LogLevelSetting.Error)]
    [InlineData("info", LogLevelSetting.Info)]
    public void LogLevelIsCaseInsensitive(string given, LogLevelSetting expected) =>
        Assert.Equal(expected, LoadValid($"logLevel: \"{given}\"\n").LogLevel);

    [Fact]
    public void UnknownLogLevelMeansInfoWithAWarning()
    {
        var result = AssertWarning("logLevel: verbose\n",
            "models.yaml:1:11 logLevel: unknown log level \"verbose\", using info (valid: debug, info, warn, error)");
        Assert.Equal(LogLevelSetting.Info, result.Config!.LogLevel);
    }

    [Fact]
    public void LogTimeFormatIsKeptWhenKnownAndDroppedWithAWarningOtherwise()
    {
        Assert.Equal("rfc3339", LoadValid("logTimeFormat: RFC3339\n").LogTimeFormat);
        var result = AssertWarning("logTimeFormat: iso\n",
            "models.yaml:1:16 logTimeFormat: unknown time format \"iso\", timestamps disabled (valid: ansic, unixdate, rubydate, rfc822, " +
            "rfc822z, rfc850, rfc1123, rfc1123z, rfc3339, rfc3339nano, kitchen, stamp, stampmilli, stampmicro, stampnano)");
        Assert.Equal("", result.Config!.LogTimeFormat);
    }

    [Theory]
    [InlineData("proxy", LogToStdout.Proxy)]
    [InlineData("upstream", LogToStdout.Upstream)]
    [InlineData("both", LogToStdout.Both)]
    [InlineData("none", LogToStdout.None)]
    public void LogToStdoutValues(string given, LogToStdout expected) =>
        Assert.Equal(expected, LoadValid($"logToStdout: {given}\n").LogToStdout);

    [Theory]
    [InlineData("logToStdout: everything", "models.yaml:1:14 logToStdout: must be one of: proxy, upstream, both, none (got \"everything\")")]
    [InlineData("startPort: 0", "models.yaml:1:12 startPort: must be >= 1 (got 0)")]
    [InlineData("startPort: abc", "models.yaml:1:12 startPort: must be an integer (got string \"abc\")")]
    [InlineData("globalTTL: -1", "models.yaml:1:12 globalTTL: must be >= 0 (got -1)")]
    [InlineData("unloadTimeout: -3", "models.yaml:1:16 unloadTimeout: must be >= 0 (got -3)")]
    [InlineData("captureBuffer: -1", "models.yaml:1:16 captureBuffer: must be >= 0 (got -1)")]
    [InlineData("healthCheckTimeout: 1.5", "models.yaml:1:21 healthCheckTimeout: must be an integer (got float 1.5)")]
    [InlineData("sendLoadingState: maybe", "models.yaml:1:19 sendLoadingState: must be true or false (got string \"maybe\")")]
    [InlineData("includeAliasesInList: [true]", "models.yaml:1:23 includeAliasesInList: must be true or false (got sequence)")]
    [InlineData("loadingStateStyle: loud", "models.yaml:1:20 loadingStateStyle: must be one of: reasoning, comments (got \"loud\")")]
    [InlineData("performance: { every: 1s }", "models.yaml:1:23 performance.every: must be at least 5s, got 1s")]
    [InlineData("performance: { every: soon }", "models.yaml:1:23 performance.every: invalid duration \"soon\" (use a Go duration such as 5s, 30s or 1m30s)")]
    [InlineData("performance: { every: 10 }", "models.yaml:1:23 performance.every: invalid duration \"10\" (use a Go duration such as 5s, 30s or 1m30s)")]
    [InlineData("performance: [every]", "models.yaml:1:14 performance: must be a mapping (got sequence)")]
    [InlineData("store: {}", "models.yaml:1:8 store.path: must not be empty")]
    [InlineData("store: { path: '  ' }", "models.yaml:1:16 store.path: must not be empty")]
    [InlineData("apiKeys: ['good', '']", "models.yaml:1:19 apiKeys[1]: empty api key found in apiKeys")]
    [InlineData("apiKeys: ['has space']", "models.yaml:1:11 apiKeys[0]: api key cannot contain spaces")]
    [InlineData("apiKeys: key", "models.yaml:1:10 apiKeys: must be a list of strings (got string \"key\")")]
    [InlineData("upstream: { ignorePaths: ['ok', '(unclosed'] }", "models.yaml:1:33 upstream.ignorePaths[1]: invalid regular expression \"(unclosed\": Invalid pattern '(unclosed' at offset 9. Not enough )'s.")]
    public void InvalidGlobalSettings(string yaml, string expected) => AssertError(yaml + "\n", expected);

    [Fact]
    public void StorePathMustNotBeADirectory()
    {
        var dir = Directory.CreateTempSubdirectory("llamaswap-store-").FullName;
        try
        {
            AssertError($"store: {{ path: '{dir}' }}\n", $"models.yaml:1:16 store.path: {dir} is a directory, not a file");
            var file = Path.Combine(dir, "activity.db");
            Assert.Equal(file, LoadValid($"store: {{ path: '{file}' }}\n").StorePath);
            File.WriteAllText(file, "");
            Assert.Equal(file, LoadValid($"store: {{ path: '{file}' }}\n").StorePath);
            var missingParent = Path.Combine(dir, "no", "such", "a.db");
            AssertError($"store: {{ path: '{missingParent}' }}\n",
                $"models.yaml:1:16 store.path: directory {Path.GetDirectoryName(missingParent)} does not exist");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("5s", 5)]
    [InlineData("1m30s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData("5000ms", 5)]
    public void PerformanceEveryIsAGoDuration(string every, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoadValid($"performance: {{ every: {every} }}\n").Performance.Every);

    [Fact]
    public void GlobalTtlZeroMeansNever()
    {
        Assert.Null(LoadValid("globalTTL: 0\n").GlobalTtl);
        Assert.Equal(TimeSpan.FromSeconds(90), LoadValid("globalTTL: 90\n").GlobalTtl);
    }

    [Fact]
    public void UnloadTimeoutZeroMeansTheDefault()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), LoadValid("unloadTimeout: 0\n").UnloadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), LoadValid("unloadTimeout: 3\n").UnloadTimeout);
    }

    [Fact]
    public void MetricsMaxInMemoryNonPositiveMeansDefault()
    {
        Assert.Equal(1000, LoadValid("metricsMaxInMemory: 0\n").MetricsMaxInMemory);
        Assert.Equal(1000, LoadValid("metricsMaxInMemory: -4\n").MetricsMaxInMemory);
        Assert.Equal(50, LoadValid("metricsMaxInMemory: 50\n").MetricsMaxInMemory);
    }

    [Fact]
    public void SessionIdHeadersAreTrimmedDedupedAndMayBeDisabled()
    {
        Assert.Equal(["X-A", "x-b"], LoadValid("ui: { activity: { session_id: [' X-A ', '', 'x-b', 'x-a', 'X-B'] } }\n").UiSessionIdHeaders);
        Assert.Empty(LoadValid("ui: { activity: { session_id: [] } }\n").UiSessionIdHeaders);
        Assert.Equal(["X-Session-ID", "X-Litellm-Session-Id"], LoadValid("ui: { activity: { session_id: } }\n").UiSessionIdHeaders);
    }

    [Fact]
    public void EmptyIgnorePathsMeansTheDefault() =>
        Assert.Equal([@".*\.(js|json|css|png|gif|jpg|jpeg|ico|txt)$"], LoadValid("upstream: { ignorePaths: [] }\n").UpstreamIgnorePaths);

    [Fact]
    public void BooleansAcceptYamlOnePointOneWords() =>
        Assert.True(LoadValid("sendLoadingState: yes\n").SendLoadingState);

    [Fact]
    public void LogRequestsIsDeprecated()
    {
        var result = AssertWarning("logRequests: true\n", "models.yaml:1:1 logRequests: logRequests is deprecated and ignored");
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void EveryErrorIsReportedNotJustTheFirst()
    {
        var result = Load(Yaml("startPort: 0", "globalTTL: -1", "unloadTimeout: -1", "logToStdout: x"));

        Assert.Equal(4, result.Errors.Count());
    }
}

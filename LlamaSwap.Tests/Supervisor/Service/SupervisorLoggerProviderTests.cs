using System.Text;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Logs;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class SupervisorLoggerProviderTests
{
    [Fact]
    public void LinesAreLevelAndMessageAndFollowTheConfiguredLevel()
    {
        var log = new SupervisorLog();
        var level = LogLevelSetting.Info;
        using var provider = new SupervisorLoggerProvider(log, () => level);
        var logger = provider.CreateLogger("Any.Category");

        logger.LogDebug("hidden {N}", 1);
        logger.LogInformation("model {Model} ready", "qwen");
        logger.LogWarning("careful");
        logger.LogError(new InvalidOperationException("the reason"), "it failed");
        level = LogLevelSetting.Error;
        logger.LogWarning("now hidden");
        logger.LogCritical("still shown");

        Assert.Equal(
            "[INFO] model qwen ready\n[WARN] careful\n[ERROR] it failed: the reason\n[ERROR] still shown\n",
            Encoding.UTF8.GetString(log.GetHistory()));
        Assert.False(logger.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void DebugShowsDebugLinesButNotTrace()
    {
        var log = new SupervisorLog();
        using var provider = new SupervisorLoggerProvider(log, () => LogLevelSetting.Debug);
        var logger = provider.CreateLogger("c");

        logger.LogTrace("t");
        logger.LogDebug("d");

        Assert.Equal("[DEBUG] d\n", Encoding.UTF8.GetString(log.GetHistory()));
    }
}

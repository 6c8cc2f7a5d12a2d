using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Logs;

/// <summary>The log settings of the configuration in force (logLevel, logTimeFormat, logToStdout).</summary>
internal sealed record LogOptions(LogLevelSetting Level, string TimeFormat, LogToStdout Combined)
{
    public static LogOptions Default { get; } = new(LogLevelSetting.Info, "", LogToStdout.Proxy);

    public static LogOptions From(LlamaSwapConfig config) => new(config.LogLevel, config.LogTimeFormat, config.LogToStdout);

    public bool CombinesProxy => Combined is LogToStdout.Proxy or LogToStdout.Both;

    public bool CombinesUpstream => Combined is LogToStdout.Upstream or LogToStdout.Both;
}

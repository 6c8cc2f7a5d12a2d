using System.Text;
using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// Keeps this service's log in the <c>proxy</c> feed as llama-swap formats it: <c>[LEVEL] message</c>, with a
/// timestamp first when <c>logTimeFormat</c> names one, filtered by <c>logLevel</c>. Framework categories
/// (<c>Microsoft.*</c>, <c>System.*</c>) only contribute warnings and errors, except the host's lifetime lines.
/// </summary>
[ProviderAlias("LlamaSwapProxyLog")]
internal sealed class ProxyLogProvider(LogFeeds feeds, TimeProvider time) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ProxyLogger(feeds, time, IsFrameworkCategory(categoryName));

    public void Dispose()
    {
    }

    private static bool IsFrameworkCategory(string category) =>
        (category.StartsWith("Microsoft.", StringComparison.Ordinal) || category.StartsWith("System.", StringComparison.Ordinal))
        && !category.Equals("Microsoft.Hosting.Lifetime", StringComparison.Ordinal);

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    internal static LogLevel MinimumLevel(LogLevelSetting setting) => setting switch
    {
        LogLevelSetting.Debug => LogLevel.Debug,
        LogLevelSetting.Warn => LogLevel.Warning,
        LogLevelSetting.Error => LogLevel.Error,
        _ => LogLevel.Information,
    };

    private sealed class ProxyLogger(LogFeeds feeds, TimeProvider time, bool framework) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None
            && logLevel >= MinimumLevel(feeds.Options.Level)
            && (!framework || logLevel >= LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;

            var line = new StringBuilder();
            if (GoTimeLayouts.Format(feeds.Options.TimeFormat, time.GetLocalNow()) is { } timestamp)
                line.Append(timestamp).Append(' ');
            line.Append('[').Append(LevelName(logLevel)).Append("] ").Append(formatter(state, exception));
            // The log is read by operators in the UI: the exception's own message, never a stack trace.
            if (exception is not null)
                line.Append(": ").Append(exception.Message);
            line.Append('\n');
            feeds.WriteProxy(Encoding.UTF8.GetBytes(line.ToString()));
        }
    }
}

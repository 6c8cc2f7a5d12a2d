using System.Text;
using LlamaSwap.Configuration;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Logs;

/// <summary>
/// Copies the Supervisor's log lines into <see cref="SupervisorLog"/> as <c>[LEVEL] message</c> (llama-swap's
/// format; an exception adds its message, never its stack trace). The level threshold is the configuration's
/// <c>logLevel</c>, read on every line so a reload applies at once.
/// </summary>
[ProviderAlias("SupervisorLog")]
internal sealed class SupervisorLoggerProvider(SupervisorLog log, Func<LogLevelSetting> threshold) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    private bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= threshold() switch
    {
        LogLevelSetting.Debug => LogLevel.Debug,
        LogLevelSetting.Info => LogLevel.Information,
        LogLevelSetting.Warn => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    private void Write(string line) => log.Write(Encoding.UTF8.GetBytes(line));

    private sealed class Logger(SupervisorLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => provider.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            if (exception is not null)
                message = $"{message}: {exception.Message}";
            provider.Write($"[{LevelName(logLevel)}] {message}\n");
        }
    }
}

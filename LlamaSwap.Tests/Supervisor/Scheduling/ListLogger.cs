using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>Keeps log lines (warnings and above unless told otherwise), so tests can show or assert on them.</summary>
internal sealed class ListLogger<T>(LogLevel minimum = LogLevel.Warning) : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public ImmutableArray<string> Lines
    {
        get
        {
            lock (_gate)
                return [.. _lines];
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        lock (_gate)
            _lines.Add($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
    }
}

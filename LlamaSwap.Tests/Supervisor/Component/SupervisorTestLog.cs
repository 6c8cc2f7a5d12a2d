using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>
/// Every log entry of an in-process Supervisor, and each spawn of an upstream as it happens (the process layer
/// logs <c>Model {ModelId}: spawned pid {Pid}</c> right after the spawn), for <see cref="UpstreamMonitor"/>.
/// </summary>
internal sealed class SupervisorTestLog : ILoggerProvider
{
    private const int SpawnedEventId = 1000;
    private readonly ConcurrentQueue<Entry> _entries = new();

    /// <summary>Called on the logging thread with (model id, pid) for every spawned upstream.</summary>
    public event Action<string, int>? Spawned;

    public IReadOnlyCollection<Entry> Entries => _entries;

    /// <summary>
    /// Unexpected exceptions and worse (what tests provoke on purpose, start failures and crashes, is logged
    /// without an exception). Left out: the gRPC transport logging a call whose client reset the stream while the
    /// request was still being read as a handler failure; that is the transport's report, not the Supervisor's.
    /// </summary>
    public IEnumerable<Entry> Faults => _entries.Where(e =>
        e.Level >= LogLevel.Critical
        || (e.Level == LogLevel.Error && e.Exception is not null && e.Category.StartsWith("LlamaSwap", StringComparison.Ordinal) && !IsResetWhileReadingRequest(e)));

    private static bool IsResetWhileReadingRequest(Entry entry) =>
        entry.Category == "LlamaSwap.Rpc.Server"
        && entry.Exception is IOException
        && entry.Exception.StackTrace?.Contains("ReadSingleRequestAsync", StringComparison.Ordinal) == true;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public override string ToString() => string.Join('\n', _entries.Select(e => e.ToString()));

    private void Add(Entry entry, IReadOnlyList<KeyValuePair<string, object?>>? state)
    {
        _entries.Enqueue(entry);
        if (entry.EventId == SpawnedEventId && entry.Category.EndsWith(".UpstreamProcess", StringComparison.Ordinal) && state is not null
            && state.FirstOrDefault(p => p.Key == "ModelId").Value is string model
            && state.FirstOrDefault(p => p.Key == "Pid").Value is int pid)
            Spawned?.Invoke(model, pid);
    }

    internal sealed record Entry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventId}]: {Message}{(Exception is null ? "" : " " + Exception)}";
    }

    private sealed class Logger(SupervisorTestLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new Entry(category, logLevel, eventId.Id, formatter(state, exception), exception), state as IReadOnlyList<KeyValuePair<string, object?>>);
    }
}

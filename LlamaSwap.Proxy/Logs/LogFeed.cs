using System.Collections.Immutable;

namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// One log source: the newest bytes (100 KiB by default) and the live sinks. A sink attached with
/// <see cref="Attach"/> receives every write made after the history it was handed, with no gap and no overlap,
/// because both happen under the same lock that orders writes.
/// </summary>
internal sealed class LogFeed(string name, int historyCapacity = LogFeed.DefaultHistoryBytes)
{
    public const int DefaultHistoryBytes = 100 * 1024;

    private readonly Lock _gate = new();
    private readonly ByteRingBuffer _history = new(historyCapacity);
    private ImmutableArray<ILogSink> _sinks = [];

    public string Name { get; } = name;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;

        lock (_gate)
        {
            _history.Append(data);
            foreach (var sink in _sinks)
                sink.Write(data);
        }
    }

    public byte[] GetHistory()
    {
        lock (_gate)
            return _history.ToArray();
    }

    /// <summary>Registers <paramref name="sink"/> and returns the history it starts after.</summary>
    public byte[] Attach(ILogSink sink)
    {
        lock (_gate)
        {
            _sinks = _sinks.Add(sink);
            return _history.ToArray();
        }
    }

    public void Detach(ILogSink sink)
    {
        lock (_gate)
            _sinks = _sinks.Remove(sink);
    }
}

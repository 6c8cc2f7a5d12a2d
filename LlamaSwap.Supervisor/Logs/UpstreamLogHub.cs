using System.Collections.Concurrent;

namespace LlamaSwap.Supervisor.Logs;

/// <summary>
/// The upstreams' output: one source per model (named by its model ID) and the combined source
/// <see cref="CombinedSource"/> that interleaves every model's bytes, as llama-swap's <c>upstream</c> log does.
/// Sources outlive processes, so a model's history spans its restarts. Writers never block on readers.
/// </summary>
internal sealed class UpstreamLogHub(UpstreamLogHubOptions options)
{
    /// <summary>The source with every upstream's output (a model with this ID is only reachable through it).</summary>
    public const string CombinedSource = "upstream";

    private readonly ConcurrentDictionary<string, LogBroadcaster> _sources = new(StringComparer.Ordinal);

    public UpstreamLogHub()
        : this(new UpstreamLogHubOptions())
    {
    }

    /// <summary>Names of the sources written or subscribed so far.</summary>
    public IReadOnlyCollection<string> Sources => [.. _sources.Keys];

    /// <summary>Where one model's process output goes: its own source and the combined one.</summary>
    public UpstreamLogWriter GetWriter(string modelId) => new(modelId, Source(modelId), Source(CombinedSource));

    /// <summary>The bytes a source kept (at most <see cref="UpstreamLogHubOptions.HistoryBytes"/>), oldest first.</summary>
    public byte[] GetHistory(string source) => _sources.TryGetValue(source, out var broadcaster) ? broadcaster.GetHistory() : [];

    /// <summary>
    /// Subscribes to a source (created if nothing wrote to it yet, so a client can watch a model before it starts).
    /// Registration happens here, so nothing written after this call returns is missed.
    /// </summary>
    public LogSubscription Subscribe(string source, bool includeHistory) => Source(source).Subscribe(includeHistory);

    private LogBroadcaster Source(string name) =>
        _sources.GetOrAdd(name, static (_, o) => new LogBroadcaster(o.HistoryBytes, o.SubscriberBufferChunks), options);
}

internal sealed record UpstreamLogHubOptions
{
    /// <summary>History kept per source (llama-swap keeps 100 KiB).</summary>
    public int HistoryBytes { get; init; } = 100 * 1024;

    /// <summary>Chunks (each at most one pipe read, 16 KiB) a subscriber may have pending before live data is dropped.</summary>
    public int SubscriberBufferChunks { get; init; } = 256;
}

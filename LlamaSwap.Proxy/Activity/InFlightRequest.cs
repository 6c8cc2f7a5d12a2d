namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// One model-dispatched request while it runs. The request's own scope updates it; the tracker reads it under
/// its lock to publish updates. Ids are incrementing decimal strings, as in llama-swap.
/// </summary>
internal sealed class InFlightRequest(
    string id,
    DateTimeOffset timestamp,
    string model,
    string path,
    string method,
    IReadOnlyDictionary<string, string> requestHeaders,
    string remoteIp,
    IReadOnlyDictionary<string, string>? metadata)
{
    private long _responseBytes;

    public string Id { get; } = id;

    public DateTimeOffset Timestamp { get; } = timestamp;

    public string Model { get; } = model;

    public string Path { get; } = path;

    public string Method { get; } = method;

    public IReadOnlyDictionary<string, string> RequestHeaders { get; } = requestHeaders;

    public string RemoteIp { get; } = remoteIp;

    public IReadOnlyDictionary<string, string>? Metadata { get; } = metadata;

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; set; } = new Dictionary<string, string>();

    public long ResponseBytes => Interlocked.Read(ref _responseBytes);

    /// <summary>Fired by <c>POST /api/inflight/{id}/cancel</c>. Never disposed: it has no timer to release.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    // Throttling state; guarded by the tracker's lock.
    internal long LastPublished { get; set; }

    internal ITimer? PendingPublish { get; set; }

    internal void AddResponseBytes(int count) => Interlocked.Add(ref _responseBytes, count);

    public InFlightEntry ToEntry(DateTimeOffset now) => new(
        Id,
        Timestamp.UtcDateTime,
        Model,
        Path,
        Method,
        RequestHeaders,
        RemoteIp,
        ResponseHeaders,
        ResponseBytes,
        (long)Math.Max(0, (now - Timestamp).TotalMilliseconds),
        Metadata is { Count: > 0 } ? Metadata : null);
}

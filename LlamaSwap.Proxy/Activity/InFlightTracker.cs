using System.Collections.Immutable;
using LlamaSwap.Proxy.Events;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// The requests running now, for the UI's in-flight table and <c>POST /api/inflight/{id}/cancel</c>.
/// Publishes <c>inflight</c> events to attached <c>/api/events</c> clients: an upsert when a request starts,
/// when its response headers arrive and as its body grows (at most one per request every 250 ms, the last
/// one delayed rather than lost), a remove when it ends. Publishing never waits and costs nothing when no
/// client is attached.
/// </summary>
internal sealed class InFlightTracker(TimeProvider time)
{
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, InFlightRequest> _requests = new(StringComparer.Ordinal);
    private ImmutableArray<EventStream> _streams = [];
    private long _nextId;

    public int Count
    {
        get
        {
            lock (_gate)
                return _requests.Count;
        }
    }

    public InFlightRequest Add(DateTimeOffset timestamp, string model, string path, string method,
        IReadOnlyDictionary<string, string> requestHeaders, string remoteIp, IReadOnlyDictionary<string, string>? metadata)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new InFlightRequest(id, timestamp, model, path, method, requestHeaders, remoteIp, metadata);
        lock (_gate)
        {
            _requests[id] = request;
            request.LastPublished = time.GetTimestamp();
            PublishUpsert(request);
        }

        return request;
    }

    public void ResponseStarted(InFlightRequest request, IReadOnlyDictionary<string, string> headers)
    {
        lock (_gate)
        {
            request.ResponseHeaders = headers;
            if (!_requests.ContainsKey(request.Id))
                return;
            request.LastPublished = time.GetTimestamp();
            PublishUpsert(request);
        }
    }

    public void AddResponseBytes(InFlightRequest request, int count)
    {
        if (count <= 0)
            return;
        request.AddResponseBytes(count);
        if (_streams.IsEmpty)
            return;

        lock (_gate)
        {
            if (request.PendingPublish is not null || !_requests.ContainsKey(request.Id))
                return;
            var remaining = UpdateInterval - time.GetElapsedTime(request.LastPublished);
            if (remaining <= TimeSpan.Zero)
            {
                request.LastPublished = time.GetTimestamp();
                PublishUpsert(request);
                return;
            }

            request.PendingPublish = time.CreateTimer(static state => ((PendingPublish)state!).Run(), new PendingPublish(this, request), remaining, Timeout.InfiniteTimeSpan);
        }
    }

    public void Remove(InFlightRequest request)
    {
        lock (_gate)
        {
            if (!_requests.Remove(request.Id))
                return;
            request.PendingPublish?.Dispose();
            request.PendingPublish = null;
            Publish(() => ManagementEvent.Json(EventTypes.InFlight, new InFlightUpdate(InFlightUpdate.Remove, Id: request.Id)));
        }
    }

    /// <summary>Cancels a running request; false when no request has that id.</summary>
    public bool Cancel(string id)
    {
        InFlightRequest? request;
        lock (_gate)
            _requests.TryGetValue(id, out request);
        if (request is null)
            return false;
        request.Cancellation.Cancel();
        return true;
    }

    /// <summary>Running requests sorted by start time, then id.</summary>
    public IReadOnlyList<InFlightEntry> Snapshot()
    {
        lock (_gate)
            return SnapshotLocked();
    }

    /// <summary>Attaches a client and returns the snapshot event its updates follow.</summary>
    public ManagementEvent Attach(EventStream stream)
    {
        lock (_gate)
        {
            _streams = _streams.Add(stream);
            return ManagementEvent.Json(EventTypes.InFlight, new InFlightUpdate(InFlightUpdate.Snapshot, Requests: SnapshotLocked()));
        }
    }

    public void Detach(EventStream stream)
    {
        lock (_gate)
            _streams = _streams.Remove(stream);
    }

    private List<InFlightEntry> SnapshotLocked()
    {
        var now = time.GetUtcNow();
        return [.. _requests.Values
            .OrderBy(r => r.Timestamp)
            .ThenBy(r => r.Id.Length)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => r.ToEntry(now))];
    }

    private void PublishUpsert(InFlightRequest request) =>
        Publish(() => ManagementEvent.Json(EventTypes.InFlight, new InFlightUpdate(InFlightUpdate.Upsert, Request: request.ToEntry(time.GetUtcNow()))));

    // Called under the lock, so updates reach every client in the order they were applied.
    private void Publish(Func<ManagementEvent> create)
    {
        if (_streams.IsEmpty)
            return;
        var message = create();
        foreach (var stream in _streams)
            stream.Post(message);
    }

    private void PublishPending(InFlightRequest request)
    {
        lock (_gate)
        {
            request.PendingPublish?.Dispose();
            request.PendingPublish = null;
            if (!_requests.ContainsKey(request.Id))
                return;
            request.LastPublished = time.GetTimestamp();
            PublishUpsert(request);
        }
    }

    private sealed class PendingPublish(InFlightTracker tracker, InFlightRequest request)
    {
        public void Run() => tracker.PublishPending(request);
    }
}

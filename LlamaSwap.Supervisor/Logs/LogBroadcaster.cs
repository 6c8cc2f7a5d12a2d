using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace LlamaSwap.Supervisor.Logs;

/// <summary>
/// One log source: a ring buffer of recent bytes plus live fan-out to subscribers. <see cref="Write"/> never waits
/// for a subscriber: each has a bounded channel, and what does not fit is dropped from that subscriber's live feed
/// (never from the history) and replaced by a single marker saying how many bytes it missed.
/// </summary>
internal sealed class LogBroadcaster(int historyCapacity, int subscriberCapacity)
{
    // One lock orders ring appends, fan-out and subscription snapshots, so history and live data never overlap or
    // leave a gap. Work under it is copying and non-blocking TryWrite only.
    private readonly Lock _gate = new();
    private readonly LogRingBuffer _history = new(historyCapacity);
    private readonly List<Subscriber> _subscribers = [];

    public static ReadOnlyMemory<byte> DroppedMarker(long bytes) => Encoding.UTF8.GetBytes($"\n— {bytes} bytes dropped —\n");

    /// <param name="origin">For a source that interleaves several writers: which one wrote these bytes.</param>
    public void Write(ReadOnlySpan<byte> data, string? origin = null)
    {
        if (data.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            _history.Append(data);
            if (_subscribers.Count == 0)
            {
                return;
            }

            var chunk = new LogChunk(LogChunkKind.Live, data.ToArray(), Origin: origin);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(chunk);
            }
        }
    }

    public byte[] GetHistory()
    {
        lock (_gate)
        {
            return _history.ToArray();
        }
    }

    /// <summary>Registers a subscriber now (so nothing written after this call is missed) and returns its feed.</summary>
    public LogSubscription Subscribe(bool includeHistory)
    {
        var subscriber = new Subscriber(this, subscriberCapacity);
        lock (_gate)
        {
            subscriber.History = includeHistory ? _history.ToArray() : null;
            _subscribers.Add(subscriber);
        }

        return new LogSubscription(subscriber.ReadAllAsync, subscriber.Unsubscribe);
    }

    internal int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    private sealed class Subscriber(LogBroadcaster owner, int capacity)
    {
        private readonly Channel<LogChunk> _channel = Channel.CreateBounded<LogChunk>(
            new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        /// <summary>Live bytes this subscriber missed since its last marker; guarded by the owner's lock.</summary>
        private long _dropped;

        public byte[]? History { get; set; }

        /// <summary>Called under the owner's lock.</summary>
        public void Offer(LogChunk chunk)
        {
            if (_dropped > 0)
            {
                // The marker must precede anything written after the gap.
                if (!_channel.Writer.TryWrite(new LogChunk(LogChunkKind.Dropped, DroppedMarker(_dropped), _dropped)))
                {
                    _dropped += chunk.Data.Length;
                    return;
                }

                _dropped = 0;
            }

            if (!_channel.Writer.TryWrite(chunk))
            {
                _dropped += chunk.Data.Length;
            }
        }

        public async IAsyncEnumerable<LogChunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (History is { Length: > 0 } history)
            {
                yield return new LogChunk(LogChunkKind.History, history);
            }

            History = null;
            var reader = _channel.Reader;
            while (true)
            {
                while (reader.TryRead(out var chunk))
                {
                    yield return chunk;
                }

                // Nothing queued: if data was dropped and no later write has carried the marker yet, deliver it now
                // rather than holding it back until the source writes again.
                LogChunk? marker = null;
                lock (owner._gate)
                {
                    if (reader.Count == 0 && _dropped > 0)
                    {
                        marker = new LogChunk(LogChunkKind.Dropped, DroppedMarker(_dropped), _dropped);
                        _dropped = 0;
                    }
                }

                if (marker is { } dropped)
                {
                    yield return dropped;
                    continue;
                }

                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }
        }

        public void Unsubscribe()
        {
            lock (owner._gate)
            {
                owner._subscribers.Remove(this);
            }

            _channel.Writer.TryComplete();
        }
    }
}

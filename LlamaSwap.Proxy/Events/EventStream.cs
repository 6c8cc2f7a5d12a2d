using System.Threading.Channels;
using LlamaSwap.Proxy.Logs;

namespace LlamaSwap.Proxy.Events;

/// <summary>
/// One <c>/api/events</c> client's queue, bounded (1024 messages by default). Posting never waits: when the
/// queue is full the client has fallen too far behind, so it is dropped (<see cref="Overflowed"/>; its stream
/// ends and the UI reconnects, which resets its state). Until <see cref="Open"/> is called, live messages wait
/// behind the initial burst so the client sees the burst first.
/// </summary>
internal sealed class EventStream(int capacity = EventStream.DefaultCapacity)
{
    public const int DefaultCapacity = 1024;

    private readonly Lock _gate = new();
    private readonly Channel<ManagementEvent> _channel = Channel.CreateBounded<ManagementEvent>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private List<ManagementEvent>? _pending = [];
    private volatile bool _overflowed;

    public ChannelReader<ManagementEvent> Reader => _channel.Reader;

    public bool Overflowed => _overflowed;

    public void Post(ManagementEvent message)
    {
        lock (_gate)
        {
            if (_overflowed)
                return;
            if (_pending is not null)
            {
                if (_pending.Count < capacity)
                    _pending.Add(message);
                else
                    Overflow();
                return;
            }

            if (!_channel.Writer.TryWrite(message))
                Overflow();
        }
    }

    /// <summary>Queues the initial burst, then whatever arrived while it was being assembled, and goes live.</summary>
    public void Open(IEnumerable<ManagementEvent> burst)
    {
        lock (_gate)
        {
            foreach (var message in burst.Concat(_pending ?? []))
            {
                if (!_channel.Writer.TryWrite(message))
                {
                    Overflow();
                    break;
                }
            }

            _pending = null;
        }
    }

    public void Complete() => _channel.Writer.TryComplete();

    private void Overflow()
    {
        _overflowed = true;
        _pending = null;
        _channel.Writer.TryComplete();
    }

    /// <summary>Feeds a log source into this stream as <c>logData</c> messages.</summary>
    public ILogSink LogSink(string source) => new LogDataSink(this, source);

    private sealed class LogDataSink(EventStream stream, string source) : ILogSink
    {
        public void Write(ReadOnlySpan<byte> data) => stream.Post(ManagementEvent.LogData(source, data.ToArray()));
    }
}

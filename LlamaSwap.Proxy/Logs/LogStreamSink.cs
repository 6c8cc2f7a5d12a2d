using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// The live feed of one <c>/logs/stream</c> reader: a bounded queue of chunks. A chunk that does not fit is
/// dropped from this reader only (the history keeps it) and the reader receives one marker
/// <c>\n— N bytes dropped —\n</c> before anything written after the gap, as the Supervisor does.
/// </summary>
internal sealed class LogStreamSink(int capacity = LogStreamSink.DefaultCapacity) : ILogSink
{
    public const int DefaultCapacity = 256;

    private readonly Lock _gate = new();
    private readonly Channel<byte[]> _channel = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    public static byte[] DroppedMarker(long bytes) => Encoding.UTF8.GetBytes($"\n— {bytes} bytes dropped —\n");

    public void Write(ReadOnlySpan<byte> data) => Offer(data.ToArray());

    public void Offer(byte[] chunk)
    {
        lock (_gate)
        {
            if (_dropped > 0)
            {
                if (!_channel.Writer.TryWrite(DroppedMarker(_dropped)))
                {
                    _dropped += chunk.Length;
                    return;
                }

                _dropped = 0;
            }

            if (!_channel.Writer.TryWrite(chunk))
                _dropped += chunk.Length;
        }
    }

    /// <summary>Ends the feed once what is queued has been read.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Batches of queued chunks, in order, until <see cref="Complete"/> or cancellation.</summary>
    public async IAsyncEnumerable<IReadOnlyList<byte[]>> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        while (true)
        {
            var batch = new List<byte[]>();
            while (reader.TryRead(out var chunk))
                batch.Add(chunk);

            // Nothing queued: a pending drop marker is delivered now rather than held back until the source writes.
            lock (_gate)
            {
                if (reader.Count == 0 && _dropped > 0)
                {
                    batch.Add(DroppedMarker(_dropped));
                    _dropped = 0;
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
                continue;
            }

            bool more;
            try
            {
                more = await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (!more)
                yield break;
        }
    }
}

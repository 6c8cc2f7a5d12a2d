using LlamaSwap.Proxy.Logs;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Keeps a copy of a response body as it streams by: all of it while it fits in <c>headLimit</c> bytes (for
/// captures and JSON usage), and past that only the last <c>tailBytes</c>, which is where a stream's usage and
/// timings are. Appending is a memory copy; nothing is parsed until the request is over. Not thread-safe: one
/// request writes it.
/// </summary>
internal sealed class BodyRecorder(int headLimit, int tailBytes = BodyRecorder.DefaultTailBytes)
{
    public const int DefaultTailBytes = 64 * 1024;

    private byte[] _head = [];
    private int _headLength;
    private ByteRingBuffer? _tail;

    public long TotalBytes { get; private set; }

    /// <summary>True when the body outgrew the head limit and only its tail is kept.</summary>
    public bool Truncated => _tail is not null;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
            return;
        TotalBytes += chunk.Length;

        if (_tail is null)
        {
            if (_headLength + chunk.Length <= headLimit)
            {
                if (_headLength + chunk.Length > _head.Length)
                    Array.Resize(ref _head, Math.Min(headLimit, Math.Max(_headLength + chunk.Length, Math.Max(4096, _head.Length * 2))));
                chunk.CopyTo(_head.AsSpan(_headLength));
                _headLength += chunk.Length;
                return;
            }

            _tail = new ByteRingBuffer(tailBytes);
            _tail.Append(_head.AsSpan(0, _headLength));
            _head = [];
            _headLength = 0;
        }

        _tail.Append(chunk);
    }

    /// <summary>The whole body, or (when <see cref="Truncated"/>) its tail.</summary>
    public byte[] ToArray() => _tail?.ToArray() ?? _head.AsSpan(0, _headLength).ToArray();
}

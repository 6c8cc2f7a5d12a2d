namespace LlamaSwap.Proxy.Logs;

/// <summary>The newest <c>capacity</c> bytes written, oldest first. Not thread-safe: the owner locks.</summary>
internal sealed class ByteRingBuffer(int capacity)
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _start;
    private int _length;

    public int Length => _length;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length >= _buffer.Length)
        {
            data[^_buffer.Length..].CopyTo(_buffer);
            _start = 0;
            _length = _buffer.Length;
            return;
        }

        var end = (_start + _length) % _buffer.Length;
        var first = Math.Min(data.Length, _buffer.Length - end);
        data[..first].CopyTo(_buffer.AsSpan(end));
        data[first..].CopyTo(_buffer);

        var overflow = _length + data.Length - _buffer.Length;
        if (overflow > 0)
        {
            _start = (_start + overflow) % _buffer.Length;
            _length = _buffer.Length;
        }
        else
        {
            _length += data.Length;
        }
    }

    public byte[] ToArray()
    {
        var result = new byte[_length];
        var first = Math.Min(_length, _buffer.Length - _start);
        _buffer.AsSpan(_start, first).CopyTo(result);
        _buffer.AsSpan(0, _length - first).CopyTo(result.AsSpan(first));
        return result;
    }
}

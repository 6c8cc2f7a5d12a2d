namespace LlamaSwap.Supervisor.Logs;

/// <summary>
/// The newest <see cref="Capacity"/> bytes written, oldest first. Not thread-safe: its owner serialises access.
/// The storage is allocated on the first write, so idle sources cost nothing.
/// </summary>
internal sealed class LogRingBuffer(int capacity)
{
    private byte[]? _buffer;
    private int _start;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        _buffer ??= new byte[Capacity];
        if (data.Length >= Capacity)
        {
            data[^Capacity..].CopyTo(_buffer);
            _start = 0;
            Length = Capacity;
            return;
        }

        var end = (_start + Length) % Capacity;
        var first = Math.Min(data.Length, Capacity - end);
        data[..first].CopyTo(_buffer.AsSpan(end));
        data[first..].CopyTo(_buffer);

        var overflow = Length + data.Length - Capacity;
        if (overflow > 0)
        {
            _start = (_start + overflow) % Capacity;
            Length = Capacity;
        }
        else
        {
            Length += data.Length;
        }
    }

    public byte[] ToArray()
    {
        if (_buffer is null || Length == 0)
        {
            return [];
        }

        var result = new byte[Length];
        var first = Math.Min(Length, Capacity - _start);
        _buffer.AsSpan(_start, first).CopyTo(result);
        _buffer.AsSpan(0, Length - first).CopyTo(result.AsSpan(first));
        return result;
    }
}

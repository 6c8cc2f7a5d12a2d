namespace LlamaSwap.Proxy.Requests;

/// <summary>
/// The bytes of a request body the Proxy has already read (to find the model), kept so they can be
/// sent upstream ahead of the part not yet read. Up to <see cref="MemoryLimit"/> bytes stay in memory;
/// beyond that they go to a temporary file deleted on disposal, so an upload whose <c>model</c> field
/// follows a large file part never sits whole in memory.
/// </summary>
internal sealed class RecordedBody : IAsyncDisposable
{
    public const int DefaultMemoryLimit = 1 << 20;

    /// <summary>The most memory taken before any byte arrives; the buffer grows (doubling) as bytes do.</summary>
    internal const int MaxInitialCapacity = 16 * 1024;

    /// <summary>The first buffer when the length is not known in advance (a chunked body).</summary>
    internal const int UnknownLengthInitialCapacity = 1024;

    private readonly int _memoryLimit;
    private byte[] _memory;
    private int _memoryLength;
    private FileStream? _file;

    /// <param name="memoryLimit">Bytes kept in memory before the rest goes to a temporary file.</param>
    /// <param name="expectedLength">
    /// The body's Content-Length when the client sent one: a typical request body is a few hundred bytes, and a
    /// buffer of exactly that size (up to <see cref="MaxInitialCapacity"/>) is all it needs.
    /// </param>
    public RecordedBody(int memoryLimit = DefaultMemoryLimit, long? expectedLength = null)
    {
        _memoryLimit = memoryLimit;
        var initial = expectedLength is > 0 ? (int)Math.Min(expectedLength.Value, MaxInitialCapacity) : UnknownLengthInitialCapacity;
        _memory = new byte[Math.Min(memoryLimit, initial)];
    }

    /// <summary>The size of the in-memory buffer now (for tests of its sizing).</summary>
    internal int MemoryCapacity => _memory.Length;

    public long Length => _memoryLength + (_file?.Length ?? 0);

    /// <summary>True while every recorded byte is in memory.</summary>
    public bool InMemory => _file is null;

    /// <summary>Every recorded byte, when they are all in memory (check <see cref="InMemory"/>).</summary>
    public ReadOnlyMemory<byte> Memory =>
        InMemory ? _memory.AsMemory(0, _memoryLength) : throw new InvalidOperationException("the recorded body spilled to disk");

    /// <summary>The first recorded bytes (at most the memory part).</summary>
    public ReadOnlyMemory<byte> MemoryPrefix => _memory.AsMemory(0, _memoryLength);

    public async ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            var room = _memoryLimit - _memoryLength;
            var inMemory = Math.Min(room, data.Length);
            if (inMemory > 0)
            {
                EnsureCapacity(_memoryLength + inMemory);
                data.Span[..inMemory].CopyTo(_memory.AsSpan(_memoryLength));
                _memoryLength += inMemory;
                data = data[inMemory..];
            }

            if (data.IsEmpty)
                return;
            _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        }

        _file.Seek(0, SeekOrigin.End);
        await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the recorded bytes in [<paramref name="start"/>, <paramref name="end"/>) to <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(Stream destination, long start, long end, CancellationToken cancellationToken)
    {
        if (start < _memoryLength)
        {
            var memoryEnd = (int)Math.Min(end, _memoryLength);
            await destination.WriteAsync(_memory.AsMemory((int)start, memoryEnd - (int)start), cancellationToken).ConfigureAwait(false);
            start = memoryEnd;
        }

        if (start >= end || _file is null)
            return;

        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Seek(start - _memoryLength, SeekOrigin.Begin);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var remaining = end - start;
            while (remaining > 0)
            {
                var read = await _file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw new IOException("the recorded request body is shorter than recorded");
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                remaining -= read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>All recorded bytes as one array (for bodies a filter must rewrite whole).</summary>
    public async Task<byte[]> ToArrayAsync(CancellationToken cancellationToken)
    {
        if (InMemory)
            return _memory.AsSpan(0, _memoryLength).ToArray();
        using var all = new MemoryStream(checked((int)Length));
        await CopyToAsync(all, 0, Length, cancellationToken).ConfigureAwait(false);
        return all.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
            await _file.DisposeAsync().ConfigureAwait(false);
        _file = null;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _memory.Length)
            return;
        var size = Math.Min(_memoryLimit, Math.Max(needed, _memory.Length * 2));
        Array.Resize(ref _memory, size);
    }
}

using System.IO.Compression;
using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Captures by activity id, compressed, within a byte budget (<c>captureBuffer</c> MB): the oldest are evicted
/// first to make room, and a capture larger than the whole budget is not stored. Thread-safe.
/// </summary>
internal sealed class CaptureStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, byte[]> _items = [];
    private readonly Queue<long> _order = new();
    private long _bytes;

    public long Bytes
    {
        get
        {
            lock (_gate)
                return _bytes;
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
                return _items.Count;
        }
    }

    /// <returns>False when the capture alone is larger than the budget (or the budget is 0).</returns>
    public bool Add(Capture capture, long budgetBytes)
    {
        var compressed = Compress(ManagementJson.SerializeToUtf8Bytes(capture));
        lock (_gate)
        {
            if (compressed.Length > budgetBytes)
                return false;
            EvictTo(budgetBytes - compressed.Length);
            if (_items.Remove(capture.Id, out var previous))
                _bytes -= previous.Length;
            _items[capture.Id] = compressed;
            _order.Enqueue(capture.Id);
            _bytes += compressed.Length;
            return true;
        }
    }

    public bool Contains(long id)
    {
        lock (_gate)
            return _items.ContainsKey(id);
    }

    /// <summary>The capture as the API's JSON, or null when it was never stored or has been evicted.</summary>
    public byte[]? GetJson(long id)
    {
        byte[]? compressed;
        lock (_gate)
            _items.TryGetValue(id, out compressed);
        return compressed is null ? null : Decompress(compressed);
    }

    /// <summary>Evicts the oldest captures until at most <paramref name="budgetBytes"/> are held.</summary>
    public void Trim(long budgetBytes)
    {
        lock (_gate)
            EvictTo(budgetBytes);
    }

    private void EvictTo(long limit)
    {
        while (_bytes > Math.Max(limit, 0) && _order.TryDequeue(out var oldest))
        {
            if (_items.Remove(oldest, out var evicted))
                _bytes -= evicted.Length;
        }
    }

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true))
            brotli.Write(data);
        return output.ToArray();
    }

    private static byte[] Decompress(byte[] data)
    {
        using var input = new BrotliStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}

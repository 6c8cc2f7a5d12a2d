namespace LlamaSwap.Proxy.Requests;

/// <summary>A range of bytes in a request body, by absolute offset.</summary>
internal readonly record struct ByteRange(long Offset, long Length)
{
    public long End => Offset + Length;
}

using System.Net;

namespace LlamaSwap.Tests.Rpc.Infrastructure;

/// <summary>
/// A request body written in the given pieces with a flush after each, so the server sees
/// message boundaries that do not line up with HTTP/2 DATA frames.
/// </summary>
internal sealed class ChunkedContent(IReadOnlyList<byte[]> chunks) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        foreach (var chunk in chunks)
        {
            await stream.WriteAsync(chunk);
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

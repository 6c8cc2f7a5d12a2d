using System.IO.Pipelines;
using System.Text;

namespace LlamaSwap.Tests.Proxy.RequestPath;

/// <summary>Feeds bytes to a scanner in small pieces, the way a slow client's body arrives.</summary>
internal static class PipeInput
{
    public static async Task<PipeReader> FromAsync(string text, int chunkSize = 3) => await FromAsync(Encoding.UTF8.GetBytes(text), chunkSize);

    public static async Task<PipeReader> FromAsync(byte[] bytes, int chunkSize = 3)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset)));
        }

        await pipe.Writer.CompleteAsync();
        return pipe.Reader;
    }
}

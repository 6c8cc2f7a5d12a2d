using System.Diagnostics;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>Reads a response body read by read, recording each read's bytes and arrival time.</summary>
internal static class ChunkRecorder
{
    /// <param name="Timestamp">The arrival on the <see cref="Stopwatch"/> clock (comparable across processes on Linux).</param>
    public sealed record Chunk(byte[] Bytes, TimeSpan ArrivedAt, long Timestamp);

    public sealed record Recording(HttpResponseMessage Response, IReadOnlyList<Chunk> Chunks)
    {
        public byte[] Bytes => [.. Chunks.SelectMany(c => c.Bytes)];

        /// <summary>Arrival of each chunk relative to the first one.</summary>
        public IReadOnlyList<TimeSpan> Offsets => [.. Chunks.Select(c => c.ArrivedAt - Chunks[0].ArrivedAt)];
    }

    public static async Task<Recording> RecordAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken).DefaultTimeout();
        var stopwatch = Stopwatch.StartNew();
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var chunks = new List<Chunk>();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken).DefaultTimeout()) > 0)
            chunks.Add(new Chunk(buffer[..read], stopwatch.Elapsed, Stopwatch.GetTimestamp()));
        return new Recording(response, chunks);
    }
}

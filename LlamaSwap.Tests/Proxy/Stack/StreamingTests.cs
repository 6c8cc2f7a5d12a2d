using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace LlamaSwap.Tests.Proxy.Stack;

public sealed class StreamingStackFixture : IAsyncLifetime
{
    internal ProxyStack Stack { get; private set; } = null!;

    /// <summary>The upstream of model <c>clocked</c>, which records when it wrote each chunk.</summary>
    internal ClockedUpstream Clock { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Clock = await ClockedUpstream.StartAsync();
        Stack = await ProxyStack.StartAsync(
            new StackConfig()
                .Model("paced", ["--model", "paced", "--tokens-per-second", "16", "--max-tokens", "8"])
                .External("clocked", Clock.Address, "    checkEndpoint: none"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
        if (Clock is not null)
            await Clock.DisposeAsync();
    }
}

/// <summary>
/// What arrives through the Proxy is what the upstream sent, as it sent it: the same bytes, in the same
/// number of reads, each as soon as the upstream wrote it.
/// </summary>
public sealed partial class StreamingTests(StreamingStackFixture fixture) : IClassFixture<StreamingStackFixture>
{
    private const string StreamingChat = """{"model":"paced","stream":true,"messages":[{"role":"user","content":"tell me something"}]}""";

    /// <summary>The upstream's own base URL, once the model runs.</summary>
    private async Task<HttpClient> DirectClientAsync()
    {
        using var client = fixture.Stack.CreateClient();
        using var warmup = await client.GetAsync("/upstream/paced/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, warmup.StatusCode);
        return new HttpClient { BaseAddress = new Uri((await fixture.Stack.StatusAsync("paced")).UpstreamBaseUrl) };
    }

    private static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task AStreamIsByteIdenticalAndArrivesInTheSameReadsWithoutAddedDelay()
    {
        using var direct = await DirectClientAsync();
        using var proxy = fixture.Stack.CreateClient();
        const string path = "slow-respond?echo=abcdefghij&delay=60ms";

        await AssertSameTimingAsync(async () =>
        {
            var viaDirect = await ChunkRecorder.RecordAsync(direct, new HttpRequestMessage(HttpMethod.Get, "/" + path));
            var viaProxy = await ChunkRecorder.RecordAsync(proxy, new HttpRequestMessage(HttpMethod.Get, "/upstream/paced/" + path));
            Assert.Equal(HttpStatusCode.OK, viaProxy.Response.StatusCode);
            Assert.Equal(viaDirect.Bytes, viaProxy.Bytes);
            return (viaDirect, viaProxy);
        });
    }

    [Fact]
    public async Task ServerSentEventsPassOneByOneAndUnchanged()
    {
        using var direct = await DirectClientAsync();
        using var proxy = fixture.Stack.CreateClient();

        await AssertSameTimingAsync(async () =>
        {
            var viaDirect = await ChunkRecorder.RecordAsync(direct, Post("/v1/chat/completions", StreamingChat));
            var viaProxy = await ChunkRecorder.RecordAsync(proxy, Post("/v1/chat/completions", StreamingChat));
            Assert.Equal(HttpStatusCode.OK, viaProxy.Response.StatusCode);
            Assert.Equal("text/event-stream", viaProxy.Response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no", viaProxy.Response.Headers.GetValues("X-Accel-Buffering").Single());
            Assert.Null(viaProxy.Response.Content.Headers.ContentLength);

            // Ids, timestamps and timings differ between two generations; every other byte must not.
            Assert.Equal(Mask(viaDirect.Bytes), Mask(viaProxy.Bytes));
            return (viaDirect, viaProxy);
        });
    }

    [Fact]
    public async Task EachChunkReachesTheClientWithinAMillisecondOfWhereItWouldDirectly()
    {
        using var direct = new HttpClient { BaseAddress = new Uri(fixture.Clock.Address) };
        using var proxy = fixture.Stack.CreateClient();
        var failures = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var directLatency = await LatenciesAsync(direct, "/clock");
            var proxyLatency = await LatenciesAsync(proxy, "/upstream/clocked/clock");
            if (directLatency is null || proxyLatency is null)
            {
                failures.Add("reads and writes did not pair up one to one");
                continue;
            }

            var directMedian = Median(directLatency);
            var noise = Median([.. directLatency.Select(l => Math.Abs(l - directMedian))]);
            var added = Median(proxyLatency) - directMedian;
            if (added <= 1.0 + (2 * noise))
                return;
            failures.Add($"added {added:0.00} ms per chunk (noise {noise:0.00} ms); direct {Describe(directLatency)}; proxy {Describe(proxyLatency)}");
        }

        Assert.Fail(string.Join("\n", failures));
    }

    /// <summary>Milliseconds from each upstream write to its arrival at the client; null when chunks merged or split.</summary>
    private async Task<List<double>?> LatenciesAsync(HttpClient client, string path)
    {
        var id = Guid.NewGuid().ToString("N");
        var recording = await ChunkRecorder.RecordAsync(client, new HttpRequestMessage(HttpMethod.Get, $"{path}?id={id}&chunks=12&interval=40"));
        var writes = fixture.Clock.Writes(id);
        if (recording.Chunks.Count != writes.Count)
            return null;
        return [.. recording.Chunks.Zip(writes, (chunk, write) => System.Diagnostics.Stopwatch.GetElapsedTime(write, chunk.Timestamp).TotalMilliseconds)];
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Describe(List<double> values) => string.Join(", ", values.Select(v => v.ToString("0.00")));

    [Fact]
    public async Task ANonStreamedResponseKeepsItsContentLength()
    {
        using var proxy = fixture.Stack.CreateClient();

        using var response = await proxy.SendAsync(Post("/v1/chat/completions", StreamingChat.Replace("true", "false", StringComparison.Ordinal)),
            TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.False(response.Headers.Contains("X-Accel-Buffering"));
    }

    /// <summary>
    /// Compares a direct and a proxied stream of the same paced upstream. They must arrive in the same
    /// number of reads (nothing coalesced or buffered), and each chunk's offset from the first must be
    /// what it is directly: at most a millisecond more in the median, plus the scheduling noise this
    /// machine shows on the direct path itself (a shared build machine can be very busy), and no chunk
    /// held back until the next one is due. Scheduling noise only ever adds delay and can merge two
    /// reads, so a pair that fails is measured again (at most five times); a Proxy that buffers or
    /// coalesces fails every time.
    /// </summary>
    private static async Task AssertSameTimingAsync(Func<Task<(ChunkRecorder.Recording Direct, ChunkRecorder.Recording Proxy)>> measure)
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (direct, proxy) = await measure();
            if (TimingProblem(direct, proxy) is not { } problem)
                return;
            failures.Add(problem);
        }

        Assert.Fail(string.Join("\n", failures));
    }

    private static string? TimingProblem(ChunkRecorder.Recording direct, ChunkRecorder.Recording proxy)
    {
        string Describe() =>
            $"direct: {string.Join(", ", direct.Offsets.Select(o => o.TotalMilliseconds.ToString("0.0")))}; " +
            $"proxy: {string.Join(", ", proxy.Offsets.Select(o => o.TotalMilliseconds.ToString("0.0")))}";

        if (direct.Chunks.Count != proxy.Chunks.Count)
            return $"{direct.Chunks.Count} reads directly, {proxy.Chunks.Count} through the Proxy ({Describe()})";

        var intervals = direct.Offsets.Zip(direct.Offsets.Skip(1), (a, b) => (b - a).TotalMilliseconds).Order().ToList();
        var nominal = intervals[intervals.Count / 2];
        var noise = intervals.Select(i => Math.Abs(i - nominal)).Order().ElementAt(intervals.Count / 2);
        var added = direct.Offsets.Zip(proxy.Offsets, (d, p) => (p - d).TotalMilliseconds).Order().ToList();
        var median = added[added.Count / 2];
        if (median > 1.0 + (2 * noise))
            return $"median added delay {median:0.0} ms (noise {noise:0.0} ms) ({Describe()})";
        if (added[^1] >= nominal)
            return $"a chunk was held back {added[^1]:0.0} ms, past the next one due after {nominal:0.0} ms ({Describe()})";
        return null;
    }

    private static string Mask(byte[] bytes) => Volatile().Replace(Encoding.UTF8.GetString(bytes), "$1…");

    [GeneratedRegex("(\"id\":|\"created\":|\"timings\":)(\"[^\"]*\"|\\d+|\\{[^}]*\\})")]
    private static partial Regex Volatile();
}

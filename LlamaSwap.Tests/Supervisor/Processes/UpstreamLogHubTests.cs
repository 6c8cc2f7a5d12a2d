using System.Text;
using LlamaSwap.Supervisor.Logs;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class UpstreamLogHubTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void HistoryIsBoundedPerSourceAndCombinedGetsEveryModel()
    {
        var hub = new UpstreamLogHub(new UpstreamLogHubOptions { HistoryBytes = 16 });
        var a = hub.GetWriter("a");
        var b = hub.GetWriter("b");

        a.Write("aaaaaaaaaaaaaaaaaaaa-end-a"u8);
        b.Write("b1"u8);

        Assert.Equal("aaaaaaaaaa-end-a", Text(hub.GetHistory("a")));
        Assert.Equal("b1", Text(hub.GetHistory("b")));
        Assert.Equal("aaaaaaaa-end-ab1", Text(hub.GetHistory(UpstreamLogHub.CombinedSource)));
        Assert.Empty(hub.GetHistory("never-written"));
    }

    [Fact]
    public async Task SubscriberGetsHistoryThenLiveBytesUnchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new UpstreamLogHub();
        var writer = hub.GetWriter("m");
        writer.Write("before \e[31mred"u8);

        using var subscription = hub.Subscribe("m", includeHistory: true);
        writer.Write("\e[0m partial"u8);

        var chunks = await Take(subscription, 2, ct);

        Assert.Equal(LogChunkKind.History, chunks[0].Kind);
        Assert.Equal("before \e[31mred", Text(chunks[0].Data));
        Assert.Equal(LogChunkKind.Live, chunks[1].Kind);
        Assert.Equal("\e[0m partial", Text(chunks[1].Data));
    }

    [Fact]
    public async Task SubscriberWithoutHistoryStartsAtTheSubscription()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new UpstreamLogHub();
        var writer = hub.GetWriter("m");
        writer.Write("old"u8);

        using var subscription = hub.Subscribe("m", includeHistory: false);
        writer.Write("new"u8);

        var chunk = Assert.Single(await Take(subscription, 1, ct));
        Assert.Equal("new", Text(chunk.Data));
    }

    [Fact]
    public async Task SlowSubscriberLosesLiveDataBehindOneMarkerWhileHistoryKeepsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new UpstreamLogHub(new UpstreamLogHubOptions { SubscriberBufferChunks = 4 });
        var writer = hub.GetWriter("m");
        using var subscription = hub.Subscribe("m", includeHistory: false);

        for (var i = 0; i < 10; i++)
        {
            writer.Write(Encoding.ASCII.GetBytes($"line-{i}\n"));
        }

        var chunks = await Take(subscription, 5, ct);

        Assert.Equal(["line-0\n", "line-1\n", "line-2\n", "line-3\n"], chunks.Take(4).Select(c => Text(c.Data)));
        Assert.Equal(LogChunkKind.Dropped, chunks[4].Kind);
        Assert.Equal("\n— 42 bytes dropped —\n", Text(chunks[4].Data));
        Assert.EndsWith("line-9\n", Text(hub.GetHistory("m")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DropMarkerPrecedesDataWrittenAfterTheGap()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new UpstreamLogHub(new UpstreamLogHubOptions { SubscriberBufferChunks = 3 });
        var writer = hub.GetWriter("m");
        using var subscription = hub.Subscribe("m", includeHistory: false);
        await using var reader = subscription.GetAsyncEnumerator(ct);

        foreach (var text in new[] { "1", "2", "3", "4", "55" })
        {
            writer.Write(Encoding.ASCII.GetBytes(text));
        }

        Assert.Equal("1", await Next(reader));
        Assert.Equal("2", await Next(reader));
        writer.Write("after"u8);

        Assert.Equal("3", await Next(reader));
        Assert.Equal("\n— 3 bytes dropped —\n", await Next(reader));
        Assert.Equal("after", await Next(reader));
    }

    [Fact]
    public async Task AStalledSubscriberNeverBlocksTheWriter()
    {
        var hub = new UpstreamLogHub(new UpstreamLogHubOptions { HistoryBytes = 1024, SubscriberBufferChunks = 2 });
        var writer = hub.GetWriter("m");
        using var stalled = hub.Subscribe("m", includeHistory: true);
        var block = new byte[16 * 1024];

        var write = Task.Run(() =>
        {
            for (var i = 0; i < 640; i++)
            {
                writer.Write(block);
            }
        }, TestContext.Current.CancellationToken);

        await write.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(1024, hub.GetHistory("m").Length);
    }

    [Fact]
    public async Task EndingTheEnumerationUnsubscribes()
    {
        var hub = new UpstreamLogHub();
        var writer = hub.GetWriter("m");
        var subscription = hub.Subscribe("m", includeHistory: false);
        using var cancel = new CancellationTokenSource();

        var reading = Task.Run(async () =>
        {
            await foreach (var _ in subscription.WithCancellation(cancel.Token))
            {
            }
        }, TestContext.Current.CancellationToken);
        writer.Write("x"u8);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Bound, TestContext.Current.CancellationToken));
        writer.Write("no one listens"u8);
        Assert.Equal("xno one listens", Text(hub.GetHistory("m")));
    }

    private static async Task<List<LogChunk>> Take(LogSubscription subscription, int count, CancellationToken ct)
    {
        var chunks = new List<LogChunk>();
        await using var reader = subscription.GetAsyncEnumerator(ct);
        while (chunks.Count < count && await reader.MoveNextAsync().AsTask().WaitAsync(Bound, ct))
        {
            chunks.Add(reader.Current);
        }

        return chunks;
    }

    private static async Task<string> Next(IAsyncEnumerator<LogChunk> reader)
    {
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken));
        return Text(reader.Current.Data);
    }

    private static string Text(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);
}

using System.Text;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Logs;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class ProxyLogTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 4, 12, 5, 6, TimeSpan.Zero);

    private static (LogFeeds Feeds, ILoggerFactory Factory) Create(LogOptions options)
    {
        var feeds = new LogFeeds { Options = options };
        var factory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Trace)
            .AddProvider(new ProxyLogProvider(feeds, new ManualTimeProvider(Noon))));
        return (feeds, factory);
    }

    private static string Text(LogFeed feed) => Encoding.UTF8.GetString(feed.GetHistory());

    [Fact]
    public void LinesAreLevelAndMessageFilteredByTheConfiguredLevel()
    {
        var (feeds, factory) = Create(LogOptions.Default);
        using (factory)
        {
            var logger = factory.CreateLogger("LlamaSwap.Proxy.Forwarding");
            logger.LogDebug("hidden at info");
            logger.LogInformation("model {Model} ready", "qwen");
            logger.LogWarning("slow upstream");
            logger.LogError(new InvalidOperationException("socket closed"), "forward failed");
            logger.LogCritical("gone");
        }

        Assert.Equal("[INFO] model qwen ready\n[WARN] slow upstream\n[ERROR] forward failed: socket closed\n[ERROR] gone\n", Text(feeds.Proxy));
    }

    [Fact]
    public void DebugLevelShowsDebugAndErrorLevelOnlyErrors()
    {
        var (debugFeeds, debugFactory) = Create(LogOptions.Default with { Level = LogLevelSetting.Debug });
        using (debugFactory)
            debugFactory.CreateLogger("LlamaSwap.X").LogDebug("very detailed");
        Assert.Equal("[DEBUG] very detailed\n", Text(debugFeeds.Proxy));

        var (errorFeeds, errorFactory) = Create(LogOptions.Default with { Level = LogLevelSetting.Error });
        using (errorFactory)
        {
            var logger = errorFactory.CreateLogger("LlamaSwap.X");
            logger.LogWarning("not shown");
            logger.LogError("shown");
        }

        Assert.Equal("[ERROR] shown\n", Text(errorFeeds.Proxy));
    }

    [Fact]
    public void FrameworkCategoriesOnlyContributeWarningsExceptHostLifetime()
    {
        var (feeds, factory) = Create(LogOptions.Default);
        using (factory)
        {
            factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").LogInformation("Request starting");
            factory.CreateLogger("System.Net.Http.HttpClient").LogWarning("retrying");
            factory.CreateLogger("Microsoft.Hosting.Lifetime").LogInformation("Application started");
        }

        Assert.Equal("[WARN] retrying\n[INFO] Application started\n", Text(feeds.Proxy));
    }

    [Theory]
    [InlineData("rfc3339", "2025-03-04T12:05:06Z [INFO] hello\n")]
    [InlineData("kitchen", "12:05PM [INFO] hello\n")]
    [InlineData("stamp", "Mar  4 12:05:06 [INFO] hello\n")]
    [InlineData("RFC1123", "Tue, 04 Mar 2025 12:05:06 UTC [INFO] hello\n")]
    [InlineData("not-a-layout", "[INFO] hello\n")]
    public void TimestampsFollowLogTimeFormat(string layout, string expected)
    {
        var (feeds, factory) = Create(LogOptions.Default with { TimeFormat = layout });
        using (factory)
            factory.CreateLogger("LlamaSwap.X").LogInformation("hello");

        Assert.Equal(expected, Text(feeds.Proxy));
    }

    [Theory]
    [InlineData(LogToStdout.Proxy, "p1p2", "p1p2", "u1u2")]
    [InlineData(LogToStdout.Upstream, "u1u2", "p1p2", "u1u2")]
    [InlineData(LogToStdout.Both, "p1u1p2u2", "p1p2", "u1u2")]
    [InlineData(LogToStdout.None, "", "p1p2", "u1u2")]
    public void CombinedFeedTakesWhatLogToStdoutNamesWhileSourcesKeepEverything(LogToStdout setting, string combined, string proxy, string upstream)
    {
        var feeds = new LogFeeds { Options = LogOptions.Default with { Combined = setting } };
        foreach (var (source, text) in new[] { ("p", "p1"), ("u", "u1"), ("p", "p2"), ("u", "u2") })
        {
            if (source == "p")
                feeds.WriteProxy(Encoding.UTF8.GetBytes(text));
            else
                feeds.WriteUpstream(Encoding.UTF8.GetBytes(text));
        }

        Assert.Equal(combined, Text(feeds.Combined));
        Assert.Equal(proxy, Text(feeds.Proxy));
        Assert.Equal(upstream, Text(feeds.Upstream));
    }

    [Fact]
    public void HistoryKeepsTheNewestBytesOnly()
    {
        var feed = new LogFeed("proxy", historyCapacity: 10);
        feed.Write("0123456"u8);
        feed.Write("789abc"u8);
        Assert.Equal("3456789abc", Text(feed));
        feed.Write("ABCDEFGHIJKLMNOP"u8);
        Assert.Equal("GHIJKLMNOP", Text(feed));
    }

    [Fact]
    public async Task SlowStreamReaderLosesLiveChunksBehindOneDropMarkerButNeverBlocksTheWriter()
    {
        var feed = new LogFeed("proxy");
        var sink = new LogStreamSink(capacity: 2);
        feed.Attach(sink);

        foreach (var line in new[] { "a\n", "b\n", "c\n", "dd\n", "e\n" })
            feed.Write(Encoding.UTF8.GetBytes(line));
        sink.Complete();

        var received = new StringBuilder();
        await foreach (var batch in sink.ReadBatchesAsync(TestContext.Current.CancellationToken))
        {
            foreach (var chunk in batch)
                received.Append(Encoding.UTF8.GetString(chunk));
        }

        // c, dd and e did not fit: one marker counts their bytes; the history still has everything.
        Assert.Equal("a\nb\n\n— 7 bytes dropped —\n", received.ToString());
        Assert.Equal("a\nb\nc\ndd\ne\n", Text(feed));
    }
}

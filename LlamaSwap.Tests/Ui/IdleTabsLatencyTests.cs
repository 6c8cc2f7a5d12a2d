using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Ui;

/// <summary>
/// Three browser tabs that never read their streams (<c>/api/events</c> and <c>/logs/stream</c> each) while
/// the logs keep growing must not change inference latency: a slow UI client is dropped, never waited on.
/// Measured on the real stack: the Proxy in front of the Supervisor process and a simulator.
/// </summary>
public sealed class IdleTabsLatencyTests
{
    private const int Requests = 15;

    /// <summary>Each of these adds one request line to the Proxy's log, so the UI streams have data to carry.</summary>
    private const string LogLinePath = "/api/version";

    [Fact]
    public async Task ThreeTabsThatNeverReadDoNotSlowChatRequests()
    {
        await using var stack = await UiStack.StartAsync([UiStack.Model("fast", ["--tokens-per-second", "0", "--max-tokens", "16"])]);
        using var client = stack.CreateClient();

        async Task Chat()
        {
            using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
                """{"model":"fast","stream":true,"messages":[{"role":"user","content":"hi"}]}""", TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, stack.ToString());
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        // Full log histories make the first burst of every stream larger than the socket buffers.
        await WriteLogLinesAsync(client, 1000).DefaultTimeout(TimeSpan.FromSeconds(60));

        // Log lines keep coming in both phases, so the only difference between them is the stalled tabs.
        using var flood = new CancellationTokenSource();
        var flooding = FloodAsync(stack.Address, flood.Token);
        var tabs = new List<StalledClient>();
        try
        {
            var baseline = await InferenceLatency.MedianAsync(Chat, Requests).DefaultTimeout(TimeSpan.FromSeconds(90));
            for (var tab = 0; tab < 3; tab++)
            {
                tabs.Add(await StalledClient.OpenAsync(stack.Address, "/api/events"));
                tabs.Add(await StalledClient.OpenAsync(stack.Address, "/logs/stream"));
            }
            // Far more than a socket and Kestrel's response buffer hold, so each stalled stream is certainly
            // backed up (or dropped) on the server before the measurement starts.
            await WriteLogLinesAsync(client, 3000).DefaultTimeout(TimeSpan.FromSeconds(60));
            var stalled = await InferenceLatency.MedianAsync(Chat, Requests).DefaultTimeout(TimeSpan.FromSeconds(90));

            TestContext.Current.TestOutputHelper?.WriteLine($"p50 without tabs {baseline.TotalMilliseconds:F0} ms, with 3 stalled tabs {stalled.TotalMilliseconds:F0} ms");
            Assert.True(tabs.All(t => t.Unread > 0), "a stalled tab received nothing, so it tested nothing");
            Assert.True(stalled <= InferenceLatency.Tolerance(baseline),
                $"p50 with 3 stalled tabs {stalled.TotalMilliseconds:F0} ms, without {baseline.TotalMilliseconds:F0} ms");
        }
        finally
        {
            tabs.ForEach(t => t.Dispose());
            await flood.CancelAsync();
            await flooding.DefaultTimeout();
        }
    }

    private static async Task WriteLogLinesAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(LogLinePath, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>A steady trickle of log lines (one request every few milliseconds) until cancelled.</summary>
    private static Task FloodAsync(Uri address, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(LogLinePath, cancellationToken);
                await Task.Delay(3, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }, CancellationToken.None);
}

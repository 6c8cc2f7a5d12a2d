using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Ui.Fakes;

namespace LlamaSwap.Tests.Ui;

/// <summary>
/// Three browser tabs that never read their streams (/api/events and a log stream each) while logs
/// flood must not change inference latency: a slow UI client is dropped, never waited on.
/// </summary>
public sealed class IdleTabsLatencyTests
{
    private const int Requests = 15;

    [Fact]
    public async Task ThreeTabsThatNeverReadDoNotSlowChatRequests()
    {
        await using var api = await FakeProxyApi.StartAsync();
        api.ChunkDelay = TimeSpan.FromMilliseconds(5);
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // Full log histories make the initial burst of every stream far larger than the socket buffers.
        var filler = new string('x', 180);
        for (var i = 0; i < 1200; i++)
            api.Logs.Upstream("qwen", $"\u001b[32mhistory {i:D5}\u001b[0m {filler}\n");

        async Task Chat()
        {
            using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
                """{"model":"qwen","stream":true,"messages":[{"role":"user","content":"hi"}]}""", TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode);
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        // Logs keep coming in both phases, so the only difference between them is the stalled tabs.
        using var flood = new CancellationTokenSource();
        var flooding = FloodAsync(api, filler, flood.Token);
        var tabs = new List<StalledClient>();
        try
        {
            var baseline = await InferenceLatency.MedianAsync(Chat, Requests).DefaultTimeout(TimeSpan.FromSeconds(60));
            for (var tab = 0; tab < 3; tab++)
            {
                tabs.Add(await StalledClient.OpenAsync(api.BaseAddress, "/api/events"));
                tabs.Add(await StalledClient.OpenAsync(api.BaseAddress, "/logs/stream/qwen"));
            }
            // More than any socket buffer holds (4 MiB send + 4 KiB receive on Linux loopback), so each
            // stalled stream is certainly backed up on the server before the measurement starts.
            await Task.Run(() =>
            {
                for (var i = 0; i < 40_000; i++)
                    api.Logs.Upstream("qwen", $"backlog {i:D5} {filler}\n");
            }, TestContext.Current.CancellationToken).DefaultTimeout();
            var stalled = await InferenceLatency.MedianAsync(Chat, Requests).DefaultTimeout(TimeSpan.FromSeconds(60));

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

    /// <summary>About 20 upstream log lines a millisecond until cancelled.</summary>
    private static Task FloodAsync(FakeProxyApi api, string filler, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            api.Logs.Upstream("qwen", $"flood {i} {filler}\n");
            if (i % 20 == 0)
                await Task.Delay(1, CancellationToken.None);
        }
    }, CancellationToken.None);
}

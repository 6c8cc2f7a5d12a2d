using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Simulator;

/// <summary>Token pacing, fixed responses and client disconnects, each against its own simulator process.</summary>
public sealed partial class SimulatorStreamingTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokensArriveAsSeparateEventsAtTheConfiguredRate()
    {
        const int tokens = 5;
        const double tokensPerSecond = 10;
        var interval = TimeSpan.FromSeconds(1 / tokensPerSecond);
        await using var simulator = await SimulatorProcess.StartAsync(
            ["--tokens-per-second", "10", "--max-tokens", tokens.ToString(CultureInfo.InvariantCulture)], cancellationToken: Cancellation);
        using var client = simulator.CreateClient();
        var sinceRequest = Stopwatch.StartNew();

        using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
            """{"model":"m","stream":true,"messages":[{"role":"user","content":"pace me"}]}""", Cancellation).DefaultTimeout();
        var requestToHeaders = sinceRequest.Elapsed;
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation).DefaultTimeout();

        var contentEvents = events.Where(e => !e.IsDone && Delta(e).TryGetProperty("content", out var c) && c.GetString()!.Length > 0).ToList();
        Assert.Equal(tokens, contentEvents.Count);

        // Token i is due (i + 1) intervals after generation starts, which is after the request was sent: the
        // last one cannot arrive earlier than that, however loaded the machine is.
        var lastArrival = requestToHeaders + contentEvents[^1].ReceivedAt;
        Assert.True(lastArrival >= tokens * interval, $"{tokens} tokens at {tokensPerSecond}/s arrived after only {lastArrival}");

        // Each token is flushed on its own: they do not all arrive in one burst.
        var gaps = contentEvents.Zip(contentEvents.Skip(1), (a, b) => b.ReceivedAt - a.ReceivedAt).ToList();
        Assert.True(gaps.Count(g => g >= interval / 2) >= 2, $"tokens arrived in bursts: {FormatGaps(gaps)}");

        var timings = JsonDocument.Parse(events[^2].Data).RootElement.GetProperty("timings");
        Assert.Equal(tokens, timings.GetProperty("predicted_n").GetInt32());
        Assert.InRange(timings.GetProperty("predicted_per_second").GetDouble(), tokensPerSecond / 2, tokensPerSecond * 1.01);
    }

    [Fact]
    public async Task FixedResponseIsStreamedWordByWord()
    {
        await using var simulator = await SimulatorProcess.StartAsync(
            ["--response", "The quick brown fox.", "--tokens-per-second", "0"], cancellationToken: Cancellation);
        using var client = simulator.CreateClient();

        using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
            """{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}""", Cancellation).DefaultTimeout();
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation).DefaultTimeout();

        var words = events.Where(e => !e.IsDone && Delta(e).TryGetProperty("content", out var c) && c.GetString()!.Length > 0)
            .Select(e => Delta(e).GetProperty("content").GetString()).ToList();
        Assert.Equal(["The", " quick", " brown", " fox."], words);
    }

    [Fact]
    public async Task ClientDisconnectStopsGenerationAndIsLogged()
    {
        await using var simulator = await SimulatorProcess.StartAsync(["--tokens-per-second", "20", "--max-tokens", "1000"], cancellationToken: Cancellation);
        using (var client = simulator.CreateClient())
        {
            using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
                """{"model":"m","stream":true,"messages":[{"role":"user","content":"long answer"}]}""", Cancellation).DefaultTimeout();
            await using var body = await response.Content.ReadAsStreamAsync(Cancellation);
            await using var events = ServerSentEvents.ReadAsync(body, Cancellation).GetAsyncEnumerator(Cancellation);
            for (var i = 0; i < 3; i++)
                Assert.True(await events.MoveNextAsync().DefaultTimeout());
        }

        var line = await simulator.Output.WaitForLineContainingAsync("request cancelled", cancellationToken: Cancellation);

        Assert.StartsWith("POST /v1/chat/completions model=m request cancelled (client disconnected)", line, StringComparison.Ordinal);
        var tokens = int.Parse(TokensInLine().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(tokens, 2, 999);
    }

    [Fact]
    public async Task DisconnectDuringWaitIsLoggedAsCancelled()
    {
        await using var simulator = await SimulatorProcess.StartAsync([], cancellationToken: Cancellation);
        using (var client = simulator.CreateClient(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAsync<TaskCanceledException>(() =>
                client.PostAsync("/v1/messages?wait=1m", Json("""{"model":"c","max_tokens":5,"messages":[]}"""), Cancellation).DefaultTimeout());
        }

        var line = await simulator.Output.WaitForLineContainingAsync("request cancelled", cancellationToken: Cancellation);

        Assert.Contains("POST /v1/messages", line, StringComparison.Ordinal);
    }

    private static JsonElement Delta(ServerSentEvent e)
    {
        var choices = JsonDocument.Parse(e.Data).RootElement.GetProperty("choices");
        return choices.GetArrayLength() > 0 ? choices[0].GetProperty("delta") : default;
    }

    private static string FormatGaps(IEnumerable<TimeSpan> gaps) =>
        string.Join(", ", gaps.Select(g => $"{g.TotalMilliseconds:0}ms"));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [GeneratedRegex(@"after (\d+) tokens")]
    private static partial Regex TokensInLine();
}

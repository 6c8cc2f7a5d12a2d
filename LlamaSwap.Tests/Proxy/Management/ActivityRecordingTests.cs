using System.Text;
using System.Text.Json;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Events;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class ActivityRecordingTests
{
    private const string Sse =
        "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":6}}}\n\n"
        + "data: [DONE]\n\n";

    private static JsonElement CaptureOf(ActivityHarness harness, long id) =>
        JsonDocument.Parse(harness.Captures.GetJson(id) ?? throw new InvalidOperationException($"no capture {id}")).RootElement.Clone();

    [Fact]
    public async Task StreamedCompressedResponseBecomesARowWithUsageTimingsMetadataAndARedactedCapture()
    {
        using var harness = new ActivityHarness();
        var context = ActivityHarness.Request("POST", "/v/chat/completions",
            ("Authorization", "Bearer sk-secret"), ("x-api-key", "sk-other"), ("Cookie", "session=1"),
            ("X-Session-ID", "s-42"), ("Content-Type", "application/json"));
        context.Items[ActivityMetadata.ItemsKey] = new Dictionary<string, string> { ["selector"] = "fast" };
        var requestBody = Encoding.UTF8.GetBytes("""{"model":"fast","stream":true}""");
        var compressed = ResponseDecoderTests.Compress("gzip", Encoding.UTF8.GetBytes(Sse));

        await using (var scope = harness.Recorder.Begin(context, "qwen", "fast"))
        {
            scope.RequestBody(requestBody);
            harness.Time.Advance(TimeSpan.FromMilliseconds(120));
            scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip"), ("Set-Cookie", "a=b")));
            scope.ResponseChunk(compressed.AsSpan(0, 10));
            harness.Time.Advance(TimeSpan.FromMilliseconds(380));
            scope.ResponseChunk(compressed.AsSpan(10));
        }

        var row = harness.Latest();
        Assert.Equal(
            new ActivityRow(row.Id, new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), "qwen", "/chat/completions", "text/event-stream", 200,
                new ActivityTokens(CacheTokens: 6, InputTokens: 11, OutputTokens: 4), 500, 120, true, null, row.Metadata),
            row);
        Assert.Equal(new Dictionary<string, string> { ["selector"] = "fast" }, row.Metadata);

        var capture = CaptureOf(harness, row.Id);
        Assert.Equal("/chat/completions", capture.GetProperty("req_path").GetString());
        var requestHeaders = capture.GetProperty("req_headers");
        Assert.Equal("[REDACTED]", requestHeaders.GetProperty("Authorization").GetString());
        Assert.Equal("[REDACTED]", requestHeaders.GetProperty("x-api-key").GetString());
        Assert.Equal("[REDACTED]", requestHeaders.GetProperty("Cookie").GetString());
        Assert.Equal("s-42", requestHeaders.GetProperty("X-Session-ID").GetString());
        Assert.Equal(requestBody, capture.GetProperty("req_body").GetBytesFromBase64());
        var responseHeaders = capture.GetProperty("resp_headers");
        Assert.Equal("[REDACTED]", responseHeaders.GetProperty("Set-Cookie").GetString());
        Assert.False(responseHeaders.TryGetProperty("Content-Encoding", out _));
        Assert.Equal(Sse, Encoding.UTF8.GetString(capture.GetProperty("resp_body").GetBytesFromBase64()));
    }

    [Fact]
    public async Task OnlyPostRequestsAreRecordedButEveryRequestIsInFlightWhileItRuns()
    {
        using var harness = new ActivityHarness();

        var scope = harness.Recorder.Begin(ActivityHarness.Request("GET", "/v1/audio/voices"), "qwen", "qwen");
        Assert.Equal(1, harness.InFlight.Count);
        scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "application/json")));
        scope.ResponseChunk("[]"u8);
        await scope.DisposeAsync();
        await scope.DisposeAsync();

        Assert.Equal(0, harness.InFlight.Count);
        Assert.Equal(0, harness.Processor.ProcessPending());
    }

    [Fact]
    public async Task UpstreamErrorKeepsItsMessageButNoResponseBody()
    {
        using var harness = new ActivityHarness();

        await using (var scope = harness.Recorder.Begin(ActivityHarness.Request("POST", "/v1/chat/completions"), "qwen", "qwen"))
        {
            scope.ResponseStarted(500, ActivityHarness.Headers(("Content-Type", "application/json")));
            scope.ResponseChunk("""{"error":{"message":"CUDA out of memory"}}"""u8);
        }

        var row = harness.Latest();
        Assert.Equal((500, "CUDA out of memory"), (row.StatusCode, row.ErrorMessage));
        var capture = CaptureOf(harness, row.Id);
        Assert.Equal(JsonValueKind.Null, capture.GetProperty("resp_body").ValueKind);
        Assert.Equal("application/json", capture.GetProperty("resp_headers").GetProperty("Content-Type").GetString());
    }

    [Fact]
    public async Task ProxyFailuresAndAbandonedRequestsAreRecordedWithWhatHappened()
    {
        using var harness = new ActivityHarness();

        await using (var scope = harness.Recorder.Begin(ActivityHarness.Request("POST", "/v1/chat/completions"), "qwen", "qwen"))
            scope.Failed(429, "Too many requests");
        var refused = harness.Latest();
        Assert.Equal((429, "Too many requests", -1L), (refused.StatusCode, refused.ErrorMessage, refused.TtfbMs));

        using var gone = new CancellationTokenSource();
        var context = ActivityHarness.Request("POST", "/v1/chat/completions");
        context.RequestAborted = gone.Token;
        await using (harness.Recorder.Begin(context, "qwen", "qwen"))
            await gone.CancelAsync();
        var abandoned = harness.Latest();
        Assert.Equal((499, "client disconnected"), (abandoned.StatusCode, abandoned.ErrorMessage));

        await using (var scope = harness.Recorder.Begin(ActivityHarness.Request("POST", "/v1/chat/completions"), "qwen", "qwen"))
        {
            scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "text/event-stream")));
            scope.ResponseChunk("data: {\"choices\":[]}\n\n"u8);
            Assert.True(harness.InFlight.Cancel(harness.InFlight.Snapshot().Single().Id));
            Assert.True(scope.Cancelled.IsCancellationRequested);
        }

        var cancelled = harness.Latest();
        Assert.Equal((200, "cancelled through the in-flight API"), (cancelled.StatusCode, cancelled.ErrorMessage));
    }

    [Theory]
    [InlineData("/v1/audio/speech", true, true, true, false)]
    [InlineData("/v1/audio/transcriptions", true, false, true, true)]
    [InlineData("/v1/images/edits", true, false, true, false)]
    [InlineData("/sdapi/v1/txt2img", true, true, true, false)]
    [InlineData("/v1/embeddings", true, true, true, true)]
    public async Task CapturesFollowThePathsMask(string path, bool requestHeaders, bool requestBody, bool responseHeaders, bool responseBody)
    {
        using var harness = new ActivityHarness();

        await using (var scope = harness.Recorder.Begin(ActivityHarness.Request("POST", path, ("Content-Type", "application/json")), "qwen", "qwen"))
        {
            scope.RequestBody("""{"input":"x"}"""u8.ToArray());
            scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "application/json")));
            scope.ResponseChunk("""{"data":[]}"""u8);
        }

        var capture = CaptureOf(harness, harness.Latest().Id);
        Assert.Equal(requestHeaders, capture.GetProperty("req_headers").ValueKind != JsonValueKind.Null);
        Assert.Equal(requestBody, capture.GetProperty("req_body").ValueKind != JsonValueKind.Null);
        Assert.Equal(responseHeaders, capture.GetProperty("resp_headers").ValueKind != JsonValueKind.Null);
        Assert.Equal(responseBody, capture.GetProperty("resp_body").ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task NoCapturesWhenTheBufferIsZero()
    {
        using var harness = new ActivityHarness("captureBuffer: 0\nmodels:\n  qwen:\n    proxy: http://127.0.0.1:1\n");

        await using (var scope = harness.Recorder.Begin(ActivityHarness.Request("POST", "/v1/completions"), "qwen", "qwen"))
        {
            scope.RequestBody("{}"u8.ToArray());
            scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "application/json")));
            scope.ResponseChunk("""{"usage":{"prompt_tokens":1,"completion_tokens":2}}"""u8);
        }

        var row = harness.Latest();
        Assert.False(row.HasCapture);
        Assert.Equal(0, harness.Captures.Count);
        Assert.Equal((1L, 2L), (row.Tokens.InputTokens, row.Tokens.OutputTokens));
    }

    [Fact]
    public async Task LongStreamsAreParsedFromTheirTailAndNotCaptured()
    {
        using var harness = new ActivityHarness();
        var delta = Encoding.UTF8.GetBytes("data: {\"choices\":[{\"delta\":{\"content\":\"" + new string('z', 1000) + "\"}}]}\n\n");

        await using (var scope = harness.Recorder.Begin(ActivityHarness.Request("POST", "/v1/chat/completions"), "qwen", "qwen"))
        {
            scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "text/event-stream")));
            for (var i = 0; i < 1200; i++)
                scope.ResponseChunk(delta);
            scope.ResponseChunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1200}}\n\ndata: [DONE]\n\n"u8);
        }

        var row = harness.Latest();
        Assert.Equal((5L, 1200L), (row.Tokens.InputTokens, row.Tokens.OutputTokens));
        Assert.False(row.HasCapture);
    }

    [Fact]
    public void CapturesAreEvictedOldestFirstAndOneLargerThanTheBudgetIsSkipped()
    {
        var store = new CaptureStore();
        var random = new Random(7);
        Capture Make(long id, int size)
        {
            var body = new byte[size];
            random.NextBytes(body);
            return new Capture(id, "/v1/completions", null, body, null, null);
        }

        Assert.True(store.Add(Make(1, 400), budgetBytes: 1300));
        Assert.True(store.Add(Make(2, 400), budgetBytes: 1300));
        Assert.True(store.Add(Make(3, 400), budgetBytes: 1300));
        Assert.False(store.Contains(1));
        Assert.True(store.Contains(2) && store.Contains(3));
        Assert.True(store.Bytes <= 1300);

        Assert.False(store.Add(Make(4, 5000), budgetBytes: 1300));
        Assert.True(store.Contains(2) && store.Contains(3));
        Assert.Null(store.GetJson(4));

        store.Trim(0);
        Assert.Equal((0, 0L), (store.Count, store.Bytes));
    }

    [Fact]
    public async Task InFlightUpsertsAreThrottledAndTheLastOneIsDelayedNotLost()
    {
        using var harness = new ActivityHarness();
        var stream = new EventStream();
        var snapshot = harness.InFlight.Attach(stream);
        stream.Open([snapshot]);

        var scope = harness.Recorder.Begin(ActivityHarness.Request("POST", "/v1/chat/completions", ("X-Forwarded-For", "10.1.2.3, 10.0.0.1")), "qwen", "qwen");
        scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "text/event-stream")));
        scope.ResponseChunk(new byte[10]);
        scope.ResponseChunk(new byte[5]);
        Assert.Equal(["snapshot", "upsert", "upsert"], Drain(stream).Select(p => p.GetProperty("operation").GetString()));

        harness.Time.Advance(TimeSpan.FromMilliseconds(250));
        var delayed = Drain(stream).Single().GetProperty("request");
        Assert.Equal(15, delayed.GetProperty("resp_bytes").GetInt64());
        Assert.Equal(250, delayed.GetProperty("elapsed_ms").GetInt64());
        Assert.Equal("10.1.2.3", delayed.GetProperty("remote_ip").GetString());
        Assert.Equal("POST", delayed.GetProperty("method").GetString());

        harness.Time.Advance(TimeSpan.FromMilliseconds(300));
        scope.ResponseChunk(new byte[1]);
        Assert.Equal(16, Drain(stream).Single().GetProperty("request").GetProperty("resp_bytes").GetInt64());

        scope.ResponseChunk(new byte[1]);
        Assert.Equal(1, harness.Time.PendingTimers);
        await scope.DisposeAsync();
        Assert.Equal(0, harness.Time.PendingTimers);
        Assert.Equal("remove", Drain(stream).Single().GetProperty("operation").GetString());
    }

    private static List<JsonElement> Drain(EventStream stream)
    {
        var payloads = new List<JsonElement>();
        while (stream.Reader.TryRead(out var message))
            payloads.Add(JsonDocument.Parse(message.Data()).RootElement.Clone());
        return payloads;
    }
}

using System.Net;
using System.Text.Json;
using LlamaSwap.Proxy.Activity;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class ActivityApiTests
{
    private const string Yaml = "models:\n  a:\n    proxy: http://127.0.0.1:1\n  b:\n    proxy: http://127.0.0.1:2\n";
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ActivityRecord Row(string model, int secondsAfterT0, long prompt, double promptSpeed = -1, double genSpeed = -1, long cached = -1, int status = 200) =>
        new(0, T0.AddSeconds(secondsAfterT0).AddMilliseconds(250), model, "/v1/chat/completions", "application/json", status,
            new ActivityTokens(CacheTokens: cached, InputTokens: prompt, OutputTokens: prompt * 2, PromptPerSecond: promptSpeed, TokensPerSecond: genSpeed),
            1000 + secondsAfterT0, -1, status == 200 ? null : "boom", null);

    private static async Task<ManagementHost> SeededAsync()
    {
        var host = await ManagementHost.StartAsync(Yaml);
        var store = host.Get<ActivityStore>();
        store.Add(Row("a", 0, prompt: 30, promptSpeed: 100, genSpeed: 10, cached: 5), 1000);
        store.Add(Row("b", 10, prompt: 10, promptSpeed: 300), 1000);
        store.Add(Row("a", 20, prompt: 20, status: 500), 1000);
        store.Add(Row("b", 30, prompt: 10, genSpeed: 30, cached: 0), 1000);
        store.Add(Row("a", 40, prompt: 50, promptSpeed: 200, genSpeed: 20), 1000);
        host.Get<CaptureStore>().Add(new Capture(3, "/v1/chat/completions", new Dictionary<string, string> { ["Accept"] = "*/*" }, [1, 2, 3], null, null), 1 << 20);
        return host;
    }

    private static long[] Ids(JsonElement page) => [.. page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetInt64())];

    [Fact]
    public async Task DefaultPageIsNewestFirstWithTotalsAndRowsInTheReferenceFormat()
    {
        await using var host = await SeededAsync();

        var page = await host.Client.GetJsonAsync("/api/metrics/activity");

        Assert.Equal([5L, 4, 3, 2, 1], Ids(page));
        Assert.Equal((1, 25, 5, 1), (page.GetProperty("page").GetInt32(), page.GetProperty("limit").GetInt32(), page.GetProperty("total").GetInt32(), page.GetProperty("total_pages").GetInt32()));
        Assert.Equal(
            """{"id":5,"timestamp":"2025-05-01T10:00:40Z","model":"a","req_path":"/v1/chat/completions","resp_content_type":"application/json","resp_status_code":200,"tokens":{"cache_tokens":-1,"draft_tokens":-1,"draft_acc_tokens":-1,"input_tokens":50,"output_tokens":100,"prompt_per_second":200,"tokens_per_second":20},"duration_ms":1040,"ttfb_ms":-1,"has_capture":false}""",
            page.GetProperty("data")[0].GetRawText());
        var failed = page.GetProperty("data")[2];
        Assert.Equal("boom", failed.GetProperty("error_msg").GetString());
        Assert.True(failed.GetProperty("has_capture").GetBoolean());
    }

    [Theory]
    [InlineData("?model=b", new long[] { 4, 2 })]
    [InlineData("?model=a&model=b&limit=2&page=2", new long[] { 3, 2 })]
    [InlineData("?sort=prompt&order=asc", new long[] { 2, 4, 3, 1, 5 })]
    [InlineData("?sort=prompt", new long[] { 5, 1, 3, 4, 2 })]
    [InlineData("?sort=gen_speed&order=ASC", new long[] { 2, 3, 1, 5, 4 })]
    [InlineData("?sort=model&order=asc", new long[] { 1, 3, 5, 2, 4 })]
    [InlineData("?sort=resp_status_code", new long[] { 3, 5, 4, 2, 1 })]
    [InlineData("?start=2025-05-01T10:00:10Z&end=2025-05-01T10:00:30Z", new long[] { 4, 3, 2 })]
    [InlineData("?start=2025-05-01T12:00:20%2B02:00", new long[] { 5, 4, 3 })]
    [InlineData("?min_id=2&max_id=3", new long[] { 3, 2 })]
    [InlineData("?page=9", new long[] { })]
    public async Task FiltersSortAndPaging(string query, long[] expected)
    {
        await using var host = await SeededAsync();

        var page = await host.Client.GetJsonAsync("/api/metrics/activity" + query);

        Assert.Equal(expected, Ids(page));
    }

    [Fact]
    public async Task TotalPagesRoundUpAndAreZeroWhenNothingMatches()
    {
        await using var host = await SeededAsync();

        var two = await host.Client.GetJsonAsync("/api/metrics/activity?limit=2");
        var none = await host.Client.GetJsonAsync("/api/metrics/activity?model=nobody");

        Assert.Equal((5, 3), (two.GetProperty("total").GetInt32(), two.GetProperty("total_pages").GetInt32()));
        Assert.Equal((0, 0), (none.GetProperty("total").GetInt32(), none.GetProperty("total_pages").GetInt32()));
        Assert.Equal(JsonValueKind.Array, none.GetProperty("data").ValueKind);
    }

    [Theory]
    [InlineData("limit=0", "limit must be between 1 and 999")]
    [InlineData("limit=1000", "limit must be between 1 and 999")]
    [InlineData("limit=ten", "invalid limit")]
    [InlineData("page=0", "page must be >= 1")]
    [InlineData("page=first", "page must be >= 1")]
    [InlineData("sort=tokens", "invalid sort column")]
    [InlineData("order=up", "order must be asc or desc")]
    [InlineData("start=yesterday", "invalid 'start' timestamp, use RFC3339 format")]
    [InlineData("end=2025-13-01T00:00:00Z", "invalid 'end' timestamp, use RFC3339 format")]
    [InlineData("start=2025-05-02T00:00:00Z&end=2025-05-01T00:00:00Z", "start must be before end")]
    [InlineData("min_id=0", "min_id must be a positive integer")]
    [InlineData("max_id=-3", "max_id must be a positive integer")]
    [InlineData("min_id=5&max_id=2", "min_id must be less than or equal to max_id")]
    public async Task InvalidQueriesAreRejectedWithTheirReason(string query, string message)
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var response = await host.Client.GetAsync("/api/metrics/activity?" + query, Token);

        await response.AssertErrorAsync(400, message);
    }

    [Fact]
    public async Task StatsSumTokensAndDescribeSpeedsPerModel()
    {
        await using var host = await SeededAsync();

        var all = await host.Client.GetJsonAsync("/api/metrics/stats");
        var b = await host.Client.GetJsonAsync("/api/metrics/stats?model=b");

        Assert.Equal(
            """{"total_requests":5,"total_input_tokens":120,"total_output_tokens":240,"total_cache_tokens":5,"prompt_histogram":{"bins":[1,0,1,0,1],"min":100,"max":300,"binSize":40,"p50":200,"p95":290,"p99":298},"gen_histogram":{"bins":[1,0,1,0,1],"min":10,"max":30,"binSize":4,"p50":20,"p95":29,"p99":29.8}}""",
            all.GetRawText());
        Assert.Equal(
            """{"total_requests":2,"total_input_tokens":20,"total_output_tokens":40,"total_cache_tokens":0,"prompt_histogram":{"bins":[1],"min":300,"max":300,"binSize":0,"p50":300,"p95":300,"p99":300},"gen_histogram":{"bins":[1],"min":30,"max":30,"binSize":0,"p50":30,"p95":30,"p99":30}}""",
            b.GetRawText());
    }

    [Fact]
    public async Task StatsWithoutSpeedsHaveNullHistograms()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        var stats = await host.Client.GetJsonAsync("/api/metrics/stats");

        Assert.Equal("""{"total_requests":0,"total_input_tokens":0,"total_output_tokens":0,"total_cache_tokens":0,"prompt_histogram":null,"gen_histogram":null}""", stats.GetRawText());
    }

    [Fact]
    public async Task CapturesAreServedByIdWithBase64Bodies()
    {
        await using var host = await SeededAsync();

        var capture = await host.Client.GetJsonAsync("/api/captures/3");
        Assert.Equal("""{"id":3,"req_path":"/v1/chat/completions","req_headers":{"Accept":"*/*"},"req_body":"AQID","resp_headers":null,"resp_body":null}""", capture.GetRawText());

        using var bad = await host.Client.GetAsync("/api/captures/three", Token);
        await bad.AssertErrorAsync(400, "invalid capture ID");
        using var missing = await host.Client.GetAsync("/api/captures/4", Token);
        await missing.AssertErrorAsync(404, "capture not found");
    }

    [Fact]
    public async Task CancellingAnInFlightRequestFiresItsScope()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        var scope = host.Get<IRequestActivity>().Begin(ActivityHarness.Request("POST", "/v1/chat/completions"), "a", "a");
        var id = host.Get<InFlightTracker>().Snapshot().Single().Id;

        using var cancelled = await host.Client.PostAsync($"/api/inflight/{id}/cancel", null, Token);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("""{"msg":"ok"}""", await cancelled.Content.ReadAsStringAsync(Token));
        Assert.True(scope.Cancelled.IsCancellationRequested);

        await scope.DisposeAsync();
        using var gone = await host.Client.PostAsync($"/api/inflight/{id}/cancel", null, Token);
        await gone.AssertErrorAsync(404, "inflight request not found");
    }
}

using LlamaSwap.Proxy.Metrics;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class PrometheusTextWriterTests
{
    private static KeyValuePair<string, string> L(string key, string value) => new(key, value);

    [Fact]
    public void CountersGetTotalSuffixHelpTypeAndEscapedLabels()
    {
        var text = PrometheusTextWriter.Write(
        [
            new MetricSnapshot("llamaswap.proxy.tokens.input", "{token}", "Prompt tokens\nreported \\ upstream.", MetricKind.Counter,
            [
                new MetricPoint([L("gen_ai.request.model", "qwen \"7b\"\nq4\\k")], 1234),
                new MetricPoint([L("gen_ai.request.model", "llama")], 0.5),
            ]),
        ]);

        Assert.Equal(
            "# HELP llamaswap_proxy_tokens_input_total Prompt tokens\\nreported \\\\ upstream.\n"
            + "# TYPE llamaswap_proxy_tokens_input_total counter\n"
            + "llamaswap_proxy_tokens_input_total{gen_ai_request_model=\"qwen \\\"7b\\\"\\nq4\\\\k\"} 1234\n"
            + "llamaswap_proxy_tokens_input_total{gen_ai_request_model=\"llama\"} 0.5\n",
            text);
    }

    [Fact]
    public void HistogramBucketsAreCumulativeAndEndWithInfSumAndCount()
    {
        var text = PrometheusTextWriter.Write(
        [
            new MetricSnapshot("llamaswap.proxy.request.duration", "s", null, MetricKind.Histogram,
            [
                new MetricPoint([L("model", "a"), L("status", "200")], 3.75, new HistogramPoint([0.1, 1, 2.5], [1, 2, 0, 1], 3.75, 4)),
            ]),
        ]);

        Assert.Equal(
            "# TYPE llamaswap_proxy_request_duration_seconds histogram\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{model=\"a\",status=\"200\",le=\"0.1\"} 1\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{model=\"a\",status=\"200\",le=\"1\"} 3\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{model=\"a\",status=\"200\",le=\"2.5\"} 3\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{model=\"a\",status=\"200\",le=\"+Inf\"} 4\n"
            + "llamaswap_proxy_request_duration_seconds_sum{model=\"a\",status=\"200\"} 3.75\n"
            + "llamaswap_proxy_request_duration_seconds_count{model=\"a\",status=\"200\"} 4\n",
            text);
    }

    [Fact]
    public void GaugesWithoutLabelsAndMetricsWithoutPointsAndSpecialValues()
    {
        var text = PrometheusTextWriter.Write(
        [
            new MetricSnapshot("b.empty", null, "never recorded", MetricKind.Gauge, []),
            new MetricSnapshot("a.in_flight", "{request}", "", MetricKind.Gauge, [new MetricPoint([], double.PositiveInfinity)]),
            new MetricSnapshot("c.nan", "1", null, MetricKind.Gauge, [new MetricPoint([], double.NaN)]),
        ]);

        Assert.Equal(
            "# TYPE a_in_flight gauge\na_in_flight +Inf\n# TYPE c_nan gauge\nc_nan NaN\n",
            text);
    }

    [Theory]
    [InlineData("llamaswap.proxy.request.duration", "s", "Histogram", "llamaswap_proxy_request_duration_seconds")]
    [InlineData("llamaswap.proxy.time_to_first_byte", "ms", "Histogram", "llamaswap_proxy_time_to_first_byte_milliseconds")]
    [InlineData("llamaswap.proxy.requests", "{request}", "Counter", "llamaswap_proxy_requests_total")]
    [InlineData("llamaswap.proxy.requests.total", null, "Counter", "llamaswap_proxy_requests_total")]
    [InlineData("llamaswap.proxy.generation.tokens_per_second", "{token}/s", "Histogram", "llamaswap_proxy_generation_tokens_per_second")]
    [InlineData("net.io", "By/s", "Gauge", "net_io_bytes_per_second")]
    [InlineData("queue.wait-time", "s", "Histogram", "queue_wait_time_seconds")]
    [InlineData("9lives", "1", "Gauge", "_9lives")]
    [InlineData("memory", "MiBy", "Gauge", "memory_mebibytes")]
    [InlineData("cache_size_bytes", "By", "Gauge", "cache_size_bytes")]
    public void InstrumentNamesBecomePrometheusNames(string name, string? unit, string kind, string expected) =>
        Assert.Equal(expected, PrometheusNames.Metric(name, unit, Enum.Parse<MetricKind>(kind)));

    [Theory]
    [InlineData("gen_ai.request.model", "gen_ai_request_model")]
    [InlineData("http.response.status_code", "http_response_status_code")]
    [InlineData("host:name", "host_name")]
    [InlineData("2xx", "_2xx")]
    public void AttributeNamesBecomeLabelNames(string name, string expected) => Assert.Equal(expected, PrometheusNames.Label(name));
}

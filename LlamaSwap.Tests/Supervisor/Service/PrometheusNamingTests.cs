using LlamaSwap.Supervisor.Metrics;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("llamaswap.model.start.duration", "s", false, "llamaswap_model_start_duration_seconds")]
    [InlineData("llamaswap.supervisor.acquire.calls", "{call}", true, "llamaswap_supervisor_acquire_calls_total")]
    [InlineData("http.requests_total", null, true, "http_requests_total")]
    [InlineData("memory.used", "By", false, "memory_used_bytes")]
    [InlineData("latency_seconds", "s", false, "latency_seconds")]
    [InlineData("ratio", "1", false, "ratio")]
    [InlineData("9lives", "ms", false, "_9lives_milliseconds")]
    [InlineData("a-b c", "m/s", false, "a_b_c_m_s")]
    public void InstrumentNamesBecomePrometheusNames(string instrument, string? unit, bool counter, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.MetricName(instrument, unit, counter));
    }

    [Theory]
    [InlineData("gen_ai.request.model", "gen_ai_request_model")]
    [InlineData("rpc.grpc.status_code", "rpc_grpc_status_code")]
    [InlineData("a:b", "a_b")]
    public void AttributeNamesBecomeLabelNames(string attribute, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.LabelName(attribute));
    }
}

using System.Text;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Rpc.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary><c>/metrics</c> after real requests: the Proxy's instruments and the Supervisor's, joined by one model label.</summary>
public sealed class MetricsStackTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // The Supervisor's meters are process-wide (one Supervisor per process in production); tests run several
    // Supervisors in one process, so this test's model id is used by no other test.
    [Fact]
    public async Task AColdRequestShowsInTheProxysAndTheSupervisorsMetricsUnderOneModelLabel()
    {
        await using var stack = await ProxyStack.StartAsync(new StackConfig().Model("metered", ["--model", "sim-metered", "--tokens-per-second", "0"]));
        await using var proxy = await ProxyStack.StartProxyAsync(stack.ConfigPath, stack.Real!.GrpcAddress, new CollectingLoggerProvider(),
            new Dictionary<string, string?> { ["services:supervisor:http:0"] = stack.Real.HttpAddress.ToString() });
        using var client = new HttpClient { BaseAddress = new Uri(proxy.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal))) };

        using (var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"metered","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"), Token).DefaultTimeout())
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync(Token);
        }

        // Token counts come from the activity row, recorded just after the response.
        var text = await Eventually.ReadAsync(token => client.GetStringAsync("/metrics", token), text => text.Contains("llamaswap_proxy_tokens_output_total{", StringComparison.Ordinal),
            "the token metrics in /metrics");

        Assert.Matches(@"\nllamaswap_proxy_request_duration_seconds_count\{gen_ai_request_model=""metered"",http_response_status_code=""200""\} 1\n", text);
        Assert.Matches(@"\nllamaswap_proxy_time_to_first_byte_seconds_count\{gen_ai_request_model=""metered"",http_response_status_code=""200""\} 1\n", text);
        Assert.Matches(@"\nllamaswap_proxy_queue_wait_seconds_count\{gen_ai_request_model=""metered""\} 1\n", text);
        Assert.Matches(@"\nllamaswap_proxy_requests_in_flight\{gen_ai_request_model=""metered""\} 0\n", text);
        Assert.Matches(@"\nllamaswap_proxy_tokens_output_total\{gen_ai_request_model=""metered""\} [1-9]", text);
        Assert.Matches(@"\nllamaswap_supervisor_swap_duration_seconds_count\{gen_ai_request_model=""metered"",llamaswap_swap_phase=""start""\} 1\n", text);
        Assert.Matches(@"\nllamaswap_supervisor_models_loaded 1\n", text);
        Assert.Matches(@"\nllamaswap_supervisor_queue_length 0\n", text);
    }
}

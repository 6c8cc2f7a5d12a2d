using System.Net;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

public sealed class MetricsEndpointTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task MetricsServesTheSupervisorsInstrumentsAndTheHostsAndGpusFiguresAsPrometheusText()
    {
        var directory = Directory.CreateTempSubdirectory("llamaswap-fake-smi-").FullName;
        var smi = Path.Combine(directory, "nvidia-smi");
        File.WriteAllText(smi, """
            #!/bin/sh
            echo "0, Fake GPU \"One\", GPU-1111, 45, 42, 1024, 8192, 30, 120.5"
            echo "1, Fake GPU Two, [N/A], 50, 7, 512, 4096, [N/A], 80"
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(smi, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            await using var host = await StartAsync(new TestConfig().Model("a"), configure: o => o.NvidiaSmiPath = smi);
            await using (await host.AcquireAsync("a"))
            {
            }

            using var http = new HttpClient { BaseAddress = host.HttpAddress, Timeout = Bound };
            using var response = await http.GetAsync("/metrics", TestToken);
            var text = await response.Content.ReadAsStringAsync(TestToken);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Contains("# TYPE llamaswap_supervisor_acquire_calls_total counter\n", text, StringComparison.Ordinal);
            Assert.Matches(@"llamaswap_supervisor_acquire_calls_total\{gen_ai_request_model=""a"",rpc_grpc_status_code=""OK""\} [1-9]", text);
            Assert.Contains("# TYPE llamaswap_model_start_duration_seconds histogram\n", text, StringComparison.Ordinal);
            Assert.Contains("llamaswap_model_start_duration_seconds_bucket{gen_ai_request_model=\"a\",llamaswap_outcome=\"ready\",le=\"+Inf\"}", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE llamaswap_supervisor_model_leases gauge\n", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE llamaswap_memory_total_bytes gauge\n", text, StringComparison.Ordinal);
            Assert.Contains("llamaswap_cpu_util_percent{core=\"0\"}", text, StringComparison.Ordinal);
            Assert.Contains("llamaswap_load_average{interval=\"15m\"}", text, StringComparison.Ordinal);
            Assert.Contains("llamaswap_gpu_util_percent{id=\"0\",name=\"Fake GPU \\\"One\\\"\",uuid=\"GPU-1111\"} 42\n", text, StringComparison.Ordinal);
            Assert.Contains("llamaswap_gpu_memory_used_bytes{id=\"1\",name=\"Fake GPU Two\"} 536870912\n", text, StringComparison.Ordinal);
            Assert.Contains("llamaswap_gpu_power_draw_watts{id=\"0\",name=\"Fake GPU \\\"One\\\"\",uuid=\"GPU-1111\"} 120.5\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("llamaswap_gpu_fan_speed_percent{id=\"1\"", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

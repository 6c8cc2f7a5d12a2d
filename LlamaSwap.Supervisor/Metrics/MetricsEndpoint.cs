using LlamaSwap.Supervisor.Hosting;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Supervisor.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the Supervisor's own instruments, then the host's figures and the GPUs' (both left out
/// when the configuration sets <c>performance.disabled</c>), in the Prometheus text format.
/// </summary>
internal sealed class MetricsEndpoint(
    SupervisorMeterCollector meters,
    HostMetricsReader host,
    GpuMetricsReader gpus,
    SupervisorConfiguration configuration)
{
    public async Task WriteAsync(HttpContext context)
    {
        var families = new List<PrometheusFamily>(meters.Collect());
        if (!configuration.Current.Performance.Disabled)
        {
            families.AddRange(host.Read());
            families.AddRange(await gpus.ReadAsync(context.RequestAborted));
        }

        context.Response.ContentType = PrometheusTextWriter.ContentType;
        await context.Response.WriteAsync(PrometheusTextWriter.ToText(families), context.RequestAborted);
    }
}

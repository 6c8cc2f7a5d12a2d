using System.Text;

namespace LlamaSwap.Proxy.Metrics;

/// <summary>
/// <c>GET /metrics</c>: this service's instruments in Prometheus text, followed by the Supervisor's own
/// metrics (host and GPU gauges) fetched within a short timeout.
/// </summary>
internal static class MetricsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var collector = app.ServiceProvider.GetRequiredService<MeterCollector>();
        var supervisor = app.ServiceProvider.GetRequiredService<SupervisorMetricsSource>();
        app.MapGet("/metrics", async context =>
        {
            var text = PrometheusTextWriter.Write(collector.Collect()) + await supervisor.FetchAsync(context.RequestAborted);
            var body = Encoding.UTF8.GetBytes(text);
            context.Response.ContentType = PrometheusTextWriter.ContentType;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });
    }
}

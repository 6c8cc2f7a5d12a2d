using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlamaSwap.Proxy.Hosting;

/// <summary><c>/health</c> answers llama-swap's <c>OK</c> while healthy, so probes written for it keep working.</summary>
internal static class ProxyHealthResponse
{
    public const string HealthyBody = "OK";

    public static HealthCheckOptions Options { get; } = new()
    {
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(report.Status == HealthStatus.Healthy ? HealthyBody : report.Status.ToString());
        },
    };
}

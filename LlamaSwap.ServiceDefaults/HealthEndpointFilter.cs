using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;

namespace LlamaSwap.ServiceDefaults;

/// <summary>
/// Drops the server spans of health probes, which would otherwise flood the trace list.
/// Clearing the Recorded flag before the export processor runs is what keeps them out.
/// </summary>
internal sealed class HealthEndpointFilter : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.GetTagItem("url.path") is string path && IsProbe(path))
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }

    internal static bool IsProbe(string path) =>
        path.StartsWith(ServiceDefaultsExtensions.HealthPath, StringComparison.Ordinal)
        || path.StartsWith(ServiceDefaultsExtensions.AlivePath, StringComparison.Ordinal);
}

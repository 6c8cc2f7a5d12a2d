using System.Globalization;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.ServiceDefaults;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>
/// The environment a project resource is launched with, following Aspire's run-mode conventions
/// (ProjectResourceBuilderExtensions.WithProjectDefaults): endpoints, OpenTelemetry wiring, console
/// formatting, then the resource's own variables (references, configuration), which win.
/// </summary>
internal static class ProjectEnvironment
{
    /// <summary>Development values Aspire uses so the dashboard shows data within a second.</summary>
    private const string ExportIntervalMilliseconds = "1000";
    private const string OtlpRetry = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";
    private const string AllowAnsiColorRedirection = "DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION";
    private const string ConsoleFormatterName = "LOGGING__CONSOLE__FORMATTERNAME";
    public const string ServiceInstanceIdAttribute = "service.instance.id";

    public static Dictionary<string, string> Build(ProjectResource resource, IReadOnlyDictionary<string, string> shared, OtlpExporterTarget? otlp)
    {
        var env = new Dictionary<string, string>(shared)
        {
            [KnownConfigNames.AppHostPid] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            [AllowAnsiColorRedirection] = "true",
            [ConsoleFormatterName] = "simple",
        };
        AddEndpoints(resource, env);
        if (otlp is not null)
            AddOpenTelemetry(resource, otlp, env);
        foreach (var callback in resource.EnvironmentCallbacks)
            callback(env);
        return env;
    }

    /// <summary>ASPNETCORE_URLS when every endpoint speaks HTTP/1.1 (see <see cref="EndpointArguments"/> otherwise).</summary>
    private static void AddEndpoints(ProjectResource resource, Dictionary<string, string> env)
    {
        if (resource.Endpoints.Count > 0 && resource.Endpoints.All(e => !e.Http2Only))
            env[KnownConfigNames.AspNetCoreUrls] = string.Join(';', resource.Endpoints.Select(e => e.Url.ToString().TrimEnd('/')));
    }

    /// <summary>
    /// A resource with an HTTP/2-only (gRPC) endpoint gets per-endpoint Kestrel settings, since a URL
    /// list cannot carry a protocol. They go on the command line (<c>--Kestrel:Endpoints:grpc:Url=…</c>,
    /// the same configuration keys as Aspire's <c>Kestrel__Endpoints__grpc__Url</c>) rather than in the
    /// environment: the Supervisor's upstream processes inherit its environment, and an ASP.NET Core
    /// upstream (the simulator) would otherwise try to bind the Supervisor's own ports.
    /// </summary>
    public static IReadOnlyList<string> EndpointArguments(ProjectResource resource)
    {
        if (resource.Endpoints.All(e => !e.Http2Only))
            return [];
        var arguments = new List<string>();
        foreach (var endpoint in resource.Endpoints)
        {
            arguments.Add($"--Kestrel:Endpoints:{endpoint.Name}:Url={endpoint.Url.ToString().TrimEnd('/')}");
            if (endpoint.Http2Only)
                arguments.Add($"--Kestrel:Endpoints:{endpoint.Name}:Protocols=Http2");
        }
        return arguments;
    }

    private static void AddOpenTelemetry(ProjectResource resource, OtlpExporterTarget otlp, Dictionary<string, string> env)
    {
        // A user's own OTEL_EXPORTER_OTLP_* reach the child through the inherited environment unchanged.
        if (!otlp.IsUserProvided)
        {
            env[KnownOtelConfigNames.ExporterOtlpEndpoint] = otlp.Endpoint;
            if (otlp.Protocol is not null)
                env[KnownOtelConfigNames.ExporterOtlpProtocol] = otlp.Protocol;
            if (otlp.Headers is not null)
                env[KnownOtelConfigNames.ExporterOtlpHeaders] = otlp.Headers;
        }
        env[KnownOtelConfigNames.ServiceName] = resource.Name;
        env[KnownOtelConfigNames.ResourceAttributes] = $"{ServiceInstanceIdAttribute}={resource.InstanceId}";
        env[KnownOtelConfigNames.BlrpScheduleDelay] = ExportIntervalMilliseconds;
        env[KnownOtelConfigNames.BspScheduleDelay] = ExportIntervalMilliseconds;
        env[KnownOtelConfigNames.MetricExportInterval] = ExportIntervalMilliseconds;
        env[KnownOtelConfigNames.TracesSampler] = "always_on";
        env[KnownOtelConfigNames.MetricsExemplarFilter] = "trace_based";
        env[OtlpRetry] = "in_memory";
    }
}

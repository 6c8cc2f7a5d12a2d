using LlamaSwap.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every LlamaSwap service shares, with Aspire's semantics: OpenTelemetry logs, traces and
/// metrics exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and the
/// <c>/health</c> (ready) and <c>/alive</c> (live) endpoints.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    private const string LiveTag = "live";

    /// <summary>Built-in sources of ASP.NET Core and HttpClient (no instrumentation packages needed).</summary>
    private static readonly string[] FrameworkActivitySources = ["Microsoft.AspNetCore", "System.Net.Http"];

    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "System.Net.Http", "System.Runtime",
    ];

    /// <param name="telemetryNames">The service's own ActivitySource and Meter names, e.g. <c>LlamaSwap.Proxy</c>.</param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] telemetryNames)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(telemetryNames);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        if (!OperatingSystem.IsWindows() && int.TryParse(builder.Configuration[KnownConfigNames.AppHostPid], out var appHostPid))
        {
            builder.Services.AddHostedService(sp => new ParentProcessWatcher(
                sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<ParentProcessWatcher>>(),
                TimeProvider.System, appHostPid));
        }
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, params string[] telemetryNames)
        where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[KnownOtelConfigNames.ExporterOtlpEndpoint]))
            return builder;

        var serviceName = builder.Configuration[KnownOtelConfigNames.ServiceName] ?? builder.Environment.ApplicationName;
        void ConfigureResource(ResourceBuilder resource) => resource.AddService(serviceName).AddEnvironmentVariableDetector();

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            var resource = ResourceBuilder.CreateEmpty();
            ConfigureResource(resource);
            logging.SetResourceBuilder(resource);
            logging.AddOtlpExporter();
        });

        // The hosting integration package is not available, so the providers are built here and
        // owned by the container, which disposes (and so flushes) them at shutdown.
        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(ConfigureResource)
            .AddSource(FrameworkActivitySources)
            .AddSource(telemetryNames)
            .AddProcessor(new HealthEndpointFilter())
            .AddOtlpExporter()
            .Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(ConfigureResource)
            .AddMeter(FrameworkMeters)
            .AddMeter(telemetryNames)
            .AddOtlpExporter()
            .Build());
        builder.Services.AddHostedService<TelemetryProvidersActivator>();
        return builder;
    }

    /// <summary>Maps <c>/health</c> (every check: ready to serve) and <c>/alive</c> (the process answers).</summary>
    /// <param name="health">Options of <c>/health</c> (a service's own response body, say); the defaults when null.</param>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, HealthCheckOptions? health = null)
    {
        app.MapHealthChecks(HealthPath, health ?? new HealthCheckOptions());
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        return app;
    }
}

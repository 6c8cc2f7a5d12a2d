using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Events;
using LlamaSwap.Proxy.Listing;
using LlamaSwap.Proxy.Logs;
using LlamaSwap.Proxy.Metrics;
using LlamaSwap.Proxy.Resolution;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlamaSwap.Proxy.Hosting;

/// <summary>Services and routes of the management API (listing, logs, events, activity, metrics).</summary>
/// <remarks>
/// Needs <see cref="IProxyConfigProvider"/> and <see cref="Supervision.ISupervisorGateway"/> registered by the
/// request path. Registers the <see cref="IRequestActivity"/> the request path reports to. Authentication is
/// the request path's middleware; nothing here adds its own.
/// </remarks>
internal static class ManagementExtensions
{
    public static WebApplicationBuilder AddProxyManagement(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ActiveProfile>();
        services.AddMetrics();

        services.AddSingleton<LogFeeds>();
        builder.Logging.Services.AddSingleton<ILoggerProvider, ProxyLogProvider>();
        // The proxy log applies logLevel itself, so every level must reach it.
        builder.Logging.AddFilter<ProxyLogProvider>(null, LogLevel.Trace);
        services.AddHostedService<LogOptionsFollower>();
        services.AddHostedService<UpstreamLogMirror>();

        services.AddSingleton<InFlightTracker>();
        services.AddSingleton<ActivityStore>();
        services.AddSingleton<CaptureStore>();
        services.AddSingleton<TokenMetrics>();
        services.AddSingleton<ActivityProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<ActivityProcessor>());
        services.AddSingleton<IRequestActivity, RequestActivityRecorder>();

        services.AddSingleton<EventHub>();
        services.AddHostedService<ManagementEventPump>();

        services.AddSingleton<MeterCollector>();
        // Started with the host so measurements made before the first scrape are counted.
        services.AddHostedService(sp => sp.GetRequiredService<MeterCollector>());
        services.AddSingleton<SupervisorMetricsSource>();
        return builder;
    }

    public static WebApplication MapProxyManagement(this WebApplication app)
    {
        ListingEndpoints.Map(app);
        LogEndpoints.Map(app);
        EventEndpoints.Map(app);
        ActivityEndpoints.Map(app);
        MetricsEndpoints.Map(app);
        return app;
    }
}

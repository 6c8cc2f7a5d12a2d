using System.Diagnostics;
using LlamaSwap.Rpc.Health.V1;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Grpc;
using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Metrics;
using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServingStatus = LlamaSwap.Rpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>The Supervisor's composition root.</summary>
/// <example>
/// <code>
/// var builder = WebApplication.CreateBuilder(args);
/// builder.AddServiceDefaults(SupervisorTelemetry.Name);
/// builder.AddSupervisor();
/// var app = builder.Build();
/// app.MapDefaultEndpoints();
/// app.MapSupervisor();
/// return await app.RunSupervisorAsync();
/// </code>
/// </example>
internal static class SupervisorHostingExtensions
{
    /// <summary>Exit code when the startup configuration is invalid (as <c>AppHost validate</c>).</summary>
    public const int InvalidConfigurationExitCode = 1;

    /// <summary>
    /// Registers the Supervisor: its two endpoints, the configuration (loaded now, watched for reloads), the
    /// process layer (with the startup reaper, before anything that starts upstreams), the scheduler and its
    /// lifecycle, the gRPC and health services, the log sources and the metrics.
    /// </summary>
    public static WebApplicationBuilder AddSupervisor(this WebApplicationBuilder builder, Action<SupervisorHostOptions>? configure = null)
    {
        var options = new SupervisorHostOptions();
        if (builder.Configuration[SupervisorSettings.StateFileKey] is { Length: > 0 } stateFile)
            options.Processes = options.Processes with { StateFilePath = stateFile };
        configure?.Invoke(options);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(SupervisorEndpoints.Configure(builder.Configuration, builder.WebHost));
        services.AddSingleton(SupervisorIdentity.From(builder.Configuration));
        var configuration = SupervisorConfiguration.Open(key => builder.Configuration[key], options.ConfigWatcher, TimeProvider.System);
        services.AddSingleton(configuration);

        var supervisorLog = new SupervisorLog();
        services.AddSingleton(supervisorLog);
        builder.Logging.AddProvider(new SupervisorLoggerProvider(supervisorLog, () => configuration.Current.LogLevel));
        builder.Logging.AddFilter<SupervisorLoggerProvider>("Microsoft", LogLevel.Warning);

        services.AddUpstreamProcesses(options.Processes);
        services.AddSingleton(CreateScheduler);
        services.AddSingleton<SupervisorLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<SupervisorLifecycle>());
        services.AddHostedService<ConfigReloadService>();

        services.AddSingleton(_ => CreateHealthService());
        services.AddGrpcServer();
        services.AddSingleton<SupervisorGrpcService>();
        services.AddHealthChecks().AddCheck<SupervisorHealthCheck>("supervisor");

        services.AddSingleton(_ => new SupervisorMeterCollector());
        services.AddSingleton<SupervisorStateMetrics>();
        services.AddSingleton(_ => new HostMetricsReader());
        services.AddSingleton(_ => new GpuMetricsReader(options.NvidiaSmiPath, options.GpuQueryTimeout));
        services.AddSingleton<MetricsEndpoint>();
        return builder;
    }

    /// <summary>
    /// Maps the gRPC services (Supervisor and grpc.health.v1) and <c>GET /metrics</c>. Nothing is mapped (nor
    /// created) when the startup configuration is invalid: the host will not run.
    /// </summary>
    public static WebApplication MapSupervisor(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<SupervisorConfiguration>().Startup.Succeeded)
            return app;
        app.MapGrpcService<SupervisorGrpcService>();
        app.MapGrpcHealthService();
        app.MapGet(SupervisorSettings.MetricsPath, context => context.RequestServices.GetRequiredService<MetricsEndpoint>().WriteAsync(context));
        return app;
    }

    /// <summary>
    /// Runs the Supervisor until shutdown. With an invalid startup configuration it does not start: every error is
    /// logged and written to <paramref name="error"/> (standard error by default), and the exit code is
    /// <see cref="InvalidConfigurationExitCode"/>.
    /// </summary>
    public static async Task<int> RunSupervisorAsync(this WebApplication app, TextWriter? error = null)
    {
        if (!app.CheckStartupConfiguration(error ?? Console.Error))
        {
            await app.DisposeAsync();
            return InvalidConfigurationExitCode;
        }

        await app.RunAsync();
        return 0;
    }

    /// <summary>Logs the startup configuration's warnings and errors, and writes the errors to <paramref name="error"/>; false when it is invalid.</summary>
    public static bool CheckStartupConfiguration(this WebApplication app, TextWriter error)
    {
        var configuration = app.Services.GetRequiredService<SupervisorConfiguration>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SupervisorHostingExtensions).Namespace!);
        var startup = configuration.Startup;
        var source = string.Join(" + ", new[] { configuration.Source.File, configuration.Source.Directory }.Where(s => s is not null));
        foreach (var warning in startup.Warnings)
            logger.LogWarning("configuration warning: {Diagnostic}", warning.ToString());
        if (startup.Succeeded)
        {
            logger.LogInformation("configuration loaded from {Source}: {Models} models", source, startup.Config.Models.Count);
            return true;
        }

        var errors = startup.Errors.ToList();
        foreach (var diagnostic in errors)
        {
            logger.LogError("configuration error: {Diagnostic}", diagnostic.ToString());
            error.WriteLine($"error: {diagnostic}");
        }

        error.WriteLine($"{source}: {errors.Count} error(s); the Supervisor did not start");
        error.Flush();
        return false;
    }

    private static ModelScheduler CreateScheduler(IServiceProvider services)
    {
        // The scheduler's loop inherits the ambient activity of its creator; it must be none, or every span
        // the loop starts would join whatever trace happened to resolve the scheduler first.
        var ambient = Activity.Current;
        Activity.Current = null;
        try
        {
            return new ModelScheduler(
                services.GetRequiredService<SupervisorConfiguration>().Current,
                services.GetRequiredService<IUpstreamProcessFactory>(),
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<ModelScheduler>>(),
                services.GetRequiredService<SupervisorHostOptions>().Scheduler);
        }
        finally
        {
            Activity.Current = ambient;
        }
    }

    /// <summary>NOT_SERVING until <see cref="SupervisorLifecycle"/> has started.</summary>
    private static HealthService CreateHealthService()
    {
        var health = new HealthService();
        health.SetStatus(string.Empty, ServingStatus.NotServing);
        health.SetStatus(SupervisorMethods.ServiceName, ServingStatus.NotServing);
        return health;
    }
}

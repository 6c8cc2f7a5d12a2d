using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Processes.Leftovers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Processes;

internal static class UpstreamProcessesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IUpstreamProcessFactory"/>, the <see cref="UpstreamLogHub"/> and a hosted service that
    /// ends leftover upstreams of a crashed predecessor at startup. Call it before registering anything that starts
    /// upstreams: hosted services start in registration order, and the leftovers must be gone before their ports are
    /// used again.
    /// </summary>
    public static IServiceCollection AddUpstreamProcesses(this IServiceCollection services, UpstreamProcessOptions? options = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options ?? new UpstreamProcessOptions());
        services.TryAddSingleton<IProcessLauncher, SystemProcessLauncher>();
        services.TryAddSingleton(new UpstreamLogHub());
        services.TryAddSingleton(sp => new UpstreamStateFile(sp.GetRequiredService<UpstreamProcessOptions>().StateFilePath));
        services.TryAddSingleton<RunningUpstreamRegistry>();
        services.TryAddSingleton(sp => new LeftoverUpstreamReaper(
            sp.GetRequiredService<UpstreamStateFile>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LeftoverUpstreamReaper>>()));
        services.TryAddSingleton(sp => new UpstreamReadinessProbe(
            UpstreamReadinessProbe.CreateHttpClient(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<UpstreamProcessOptions>()));
        services.TryAddSingleton(sp => new UpstreamProcessServices(
            sp.GetRequiredService<UpstreamProcessOptions>(),
            sp.GetRequiredService<IProcessLauncher>(),
            sp.GetRequiredService<UpstreamLogHub>(),
            sp.GetRequiredService<RunningUpstreamRegistry>(),
            sp.GetRequiredService<UpstreamReadinessProbe>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            static command => CommandLineSplitter.Split(command)));
        services.TryAddSingleton<IUpstreamProcessFactory, UpstreamProcessFactory>();
        services.AddHostedService<LeftoverUpstreamReaperService>();
        return services;
    }
}

/// <summary>Runs <see cref="LeftoverUpstreamReaper"/> once, during host startup.</summary>
internal sealed class LeftoverUpstreamReaperService(LeftoverUpstreamReaper reaper) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => reaper.ReapAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

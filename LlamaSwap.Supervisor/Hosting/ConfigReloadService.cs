using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>
/// Applies configuration reloads: a valid one goes to <see cref="ModelScheduler.ApplyConfigAsync"/> (unchanged
/// models keep running, changed ones restart after their leases end), becomes current with the next generation,
/// and runs the preload list; an invalid one is logged error by error and the running configuration stays.
/// </summary>
internal sealed partial class ConfigReloadService(
    SupervisorConfiguration configuration,
    ModelScheduler scheduler,
    SupervisorLifecycle lifecycle,
    ILogger<ConfigReloadService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var result in configuration.ReadReloadsAsync(stoppingToken))
                await ApplyAsync(result, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (SchedulerShutdownException)
        {
        }
    }

    private async Task ApplyAsync(ConfigLoadResult result, CancellationToken cancellationToken)
    {
        foreach (var warning in result.Warnings)
            Log.Warning(logger, warning.ToString());
        if (!result.Succeeded)
        {
            var errors = result.Errors.ToList();
            foreach (var error in errors)
                Log.Error(logger, error.ToString());
            Log.Rejected(logger, errors.Count, configuration.Generation);
            return;
        }

        await scheduler.ApplyConfigAsync(result.Config, cancellationToken);
        var generation = configuration.Apply(result.Config);
        Log.Applied(logger, generation, result.Config.Models.Count);
        lifecycle.Preload();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "configuration reloaded: generation {Generation}, {Models} models")]
        public static partial void Applied(ILogger logger, ulong generation, int models);

        [LoggerMessage(2, LogLevel.Error, "configuration reload rejected ({Count} errors); still running generation {Generation}")]
        public static partial void Rejected(ILogger logger, int count, ulong generation);

        [LoggerMessage(3, LogLevel.Error, "configuration error: {Diagnostic}")]
        public static partial void Error(ILogger logger, string diagnostic);

        [LoggerMessage(4, LogLevel.Warning, "configuration warning: {Diagnostic}")]
        public static partial void Warning(ILogger logger, string diagnostic);
    }
}

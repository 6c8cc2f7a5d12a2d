using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Resolution;

namespace LlamaSwap.Proxy.Hosting;

/// <summary>
/// Holds the configuration in force and applies reloads from the watcher: a valid one replaces the
/// whole configuration, resets the active profile to none (as llama-swap does on every reload) and
/// raises <see cref="Changed"/>; an invalid one is logged, error by error, and changes nothing.
/// </summary>
internal sealed partial class ProxyConfigProvider(
    ProxyConfigStartup startup, ActiveProfile activeProfile, ILogger<ProxyConfigProvider> logger) : IProxyConfigProvider, IHostedService
{
    private volatile LlamaSwapConfig _current = startup.Initial;
    private long _generation = 1;
    private Task? _reloading;

    public LlamaSwapConfig Current => _current;

    public long Generation => Interlocked.Read(ref _generation);

    public event Action<LlamaSwapConfig>? Changed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var source = ProxyConfigStartup.Describe(startup.Source);
        LogLoaded(logger, source, _current.Models.Count, _current.Peers.Count);
        foreach (var warning in startup.Warnings)
            LogWarning(logger, warning.ToString());
        _reloading = Task.Run(() => ReloadLoopAsync(source), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        startup.Dispose();
        if (_reloading is not null)
            await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies a configuration as if the watcher had loaded it (used by the loop and by tests).</summary>
    internal void Apply(LlamaSwapConfig config)
    {
        _current = config;
        Interlocked.Increment(ref _generation);
        activeProfile.Set(null);
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<LlamaSwapConfig>)handler)(config);
            }
            catch (Exception e)
            {
                // One failing subscriber must neither stop reloads nor keep the others from hearing of it.
                LogSubscriberFailed(logger, e);
            }
        }
    }

    private async Task ReloadLoopAsync(string source)
    {
        try
        {
            while (await startup.Reloads.MoveNextAsync().ConfigureAwait(false))
            {
                var result = startup.Reloads.Current;
                if (!result.Succeeded)
                {
                    LogReloadFailed(logger, source, result.Errors.Count());
                    foreach (var error in result.Errors)
                        LogReloadError(logger, error.ToString());
                    continue;
                }

                foreach (var warning in result.Warnings)
                    LogWarning(logger, warning.ToString());
                Apply(result.Config);
                LogReloaded(logger, source, Generation);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            LogReloadLoopFailed(logger, e);
        }
        finally
        {
            await startup.Reloads.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "configuration loaded from {Source}: {Models} models, {Peers} peers")]
    private static partial void LogLoaded(ILogger logger, string source, int models, int peers);

    [LoggerMessage(2, LogLevel.Warning, "configuration: {Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(3, LogLevel.Information, "configuration reloaded from {Source} (generation {Generation}); active profile reset to none")]
    private static partial void LogReloaded(ILogger logger, string source, long generation);

    [LoggerMessage(4, LogLevel.Warning, "configuration change in {Source} not applied: {Count} errors; keeping the configuration in force")]
    private static partial void LogReloadFailed(ILogger logger, string source, int count);

    [LoggerMessage(5, LogLevel.Warning, "  {Error}")]
    private static partial void LogReloadError(ILogger logger, string error);

    [LoggerMessage(6, LogLevel.Error, "configuration watching stopped; restart the Proxy to pick up changes")]
    private static partial void LogReloadLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "a configuration change subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}

using System.Collections.Immutable;
using LlamaSwap.Configuration;
using LlamaSwap.Configuration.Watching;

namespace LlamaSwap.Proxy.Hosting;

/// <summary>
/// The startup load, done while the host is being built so an invalid configuration stops the Proxy
/// before it listens. The watcher that made the load keeps running afterwards (its first result is
/// the startup load), so no change between load and watch can be missed.
/// </summary>
internal sealed class ProxyConfigStartup : IDisposable
{
    /// <summary>Used when neither <c>LlamaSwap:ConfigFile</c> nor <c>LlamaSwap:ConfigDirectory</c> is set.</summary>
    public const string DefaultConfigFile = "models.yaml";

    private readonly ConfigWatcher _watcher;
    private readonly CancellationTokenSource _cancellation;

    private ProxyConfigStartup(ConfigSource source, ConfigWatcher watcher, CancellationTokenSource cancellation,
        IAsyncEnumerator<ConfigLoadResult> reloads, ConfigLoadResult initial)
    {
        Source = source;
        _watcher = watcher;
        _cancellation = cancellation;
        Reloads = reloads;
        Initial = initial.Config!;
        Warnings = [.. initial.Warnings];
    }

    public ConfigSource Source { get; }

    /// <summary>The watcher's results after the startup load; enumerate until <see cref="Dispose"/>.</summary>
    public IAsyncEnumerator<ConfigLoadResult> Reloads { get; }

    public LlamaSwapConfig Initial { get; }

    public ImmutableArray<ConfigDiagnostic> Warnings { get; }

    /// <exception cref="ProxyStartupException">The configuration has errors (all of them are listed).</exception>
    public static ProxyConfigStartup Load(IConfiguration configuration, ConfigWatcherOptions? watcherOptions = null)
    {
        var source = ConfigSourceSettings.Read(key => configuration[key]) ?? new ConfigSource(DefaultConfigFile);
        var watcher = new ConfigWatcher(source, s => ConfigLoader.Load(s), TimeProvider.System,
            (watcherOptions ?? new ConfigWatcherOptions()) with { IncludeInitialLoad = true });
        var cancellation = new CancellationTokenSource();
        var reloads = watcher.WatchAsync(cancellation.Token).GetAsyncEnumerator(cancellation.Token);

        // With IncludeInitialLoad the first result is produced synchronously, before any polling.
        reloads.MoveNextAsync().AsTask().GetAwaiter().GetResult();
        var initial = reloads.Current;
        if (!initial.Succeeded)
        {
            watcher.Dispose();
            cancellation.Dispose();
            var lines = initial.Errors.Select(e => "  " + e);
            throw new ProxyStartupException(
                $"invalid configuration {Describe(source)}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
        }

        return new ProxyConfigStartup(source, watcher, cancellation, reloads, initial);
    }

    public static string Describe(ConfigSource source) =>
        string.Join(" + ", new[] { source.File, source.Directory }.Where(s => s is not null));

    /// <summary>Ends the watch: a pending <see cref="Reloads"/> step finishes.</summary>
    public void Dispose()
    {
        if (_cancellation.IsCancellationRequested)
            return;
        _cancellation.Cancel();
        _watcher.Dispose();
    }
}

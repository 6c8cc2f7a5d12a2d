using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace LlamaSwap.Configuration.Watching;

/// <summary>
/// Polls configuration sources and loads them again whenever their content changes.
/// </summary>
/// <remarks>
/// <para>Each poll compares the size, write time and resolved path of the configured file and of the
/// top-level <c>*.yaml</c>/<c>*.yml</c> files of the configured directory. After a difference, the sources must
/// stay unchanged for <see cref="ConfigWatcherOptions.Debounce"/>; then their bytes are hashed, and only a hash
/// that differs from the last one loaded leads to a load. So a touched file, or a file replaced by identical
/// content, reloads nothing.</para>
/// <para>The poll at start is the baseline and never yields. A missing file or an empty directory is silent
/// (an atomic replace or a ConfigMap update is in progress); when it is back with new content, that is a change.</para>
/// <para>Results carry either a new configuration or the errors that stopped it loading; on errors the caller
/// keeps the configuration it has. Time is measured with the given <see cref="TimeProvider"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// var watcher = new ConfigWatcher(source, s => ConfigLoader.Load(s), TimeProvider.System, new() { IncludeInitialLoad = true });
/// await foreach (var result in watcher.WatchAsync(stoppingToken))
///     if (result.Succeeded) Apply(result.Config); else LogErrors(result.Errors);
/// </code>
/// </example>
public sealed class ConfigWatcher : IDisposable
{
    private readonly ConfigSource _source;
    private readonly Func<ConfigSource, ConfigLoadResult> _load;
    private readonly TimeProvider _timeProvider;
    private readonly ConfigWatcherOptions _options;
    private readonly CancellationTokenSource _disposing = new();
    private bool _disposed;

    /// <param name="load">Reads and validates the sources; usually <see cref="ConfigLoader.Load"/>.</param>
    public ConfigWatcher(ConfigSource source, Func<ConfigSource, ConfigLoadResult> load, TimeProvider? timeProvider = null, ConfigWatcherOptions? options = null)
    {
        if (source.File is null && source.Directory is null)
            throw new ArgumentException("a configuration source needs a file, a directory or both", nameof(source));
        _options = options ?? new ConfigWatcherOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.PollInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Debounce, TimeSpan.Zero, nameof(options));
        _source = source;
        _load = load;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Takes the baseline when enumeration starts, then yields one result per effective change until <paramref name="cancellationToken"/>
    /// is cancelled (an <see cref="OperationCanceledException"/>) or the watcher is disposed (the sequence ends).
    /// Polling only happens while the caller waits for the next result.
    /// </summary>
    public async IAsyncEnumerable<ConfigLoadResult> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var baseline = SourceSnapshot.Take(_source);
        var state = new WatchState(baseline, baseline.IsComplete ? baseline.ComputeContentHash() : null);
        if (_options.IncludeInitialLoad)
            yield return Load();

        while (true)
        {
            ConfigLoadResult result;
            try
            {
                result = await NextChangeAsync(state, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            yield return result;
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _disposing.Cancel();
        _disposing.Dispose();
    }

    private async Task<ConfigLoadResult> NextChangeAsync(WatchState state, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(_options.PollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
            var current = SourceSnapshot.Take(_source);
            if (current.Equals(state.Snapshot))
                continue;

            current = await SettleAsync(current, cancellationToken).ConfigureAwait(false);
            if (!current.IsComplete)
            {
                state.Snapshot = current;
                continue;
            }

            // On a vanished file the snapshot is not recorded, so the next poll looks again.
            if (current.ComputeContentHash() is not { } hash)
                continue;
            state.Snapshot = current;
            if (hash == state.LoadedHash)
                continue;
            state.LoadedHash = hash;
            return Load();
        }
    }

    /// <summary>Waits until a whole debounce period passes without the sources changing again.</summary>
    private async Task<SourceSnapshot> SettleAsync(SourceSnapshot changed, CancellationToken cancellationToken)
    {
        while (_options.Debounce > TimeSpan.Zero)
        {
            await Task.Delay(_options.Debounce, _timeProvider, cancellationToken).ConfigureAwait(false);
            var again = SourceSnapshot.Take(_source);
            if (again.Equals(changed))
                break;
            changed = again;
        }
        return changed;
    }

    private ConfigLoadResult Load()
    {
        try
        {
            return _load(_source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file replaced between the poll and the read: reported like any other load error.
            var file = _source.File ?? _source.Directory ?? "";
            var diagnostic = new ConfigDiagnostic(DiagnosticSeverity.Error, file, 0, 0, "", $"cannot read configuration: {e.Message}");
            return new ConfigLoadResult(null, ImmutableArray.Create(diagnostic));
        }
    }

    private sealed class WatchState(SourceSnapshot snapshot, string? loadedHash)
    {
        public SourceSnapshot Snapshot { get; set; } = snapshot;
        /// <summary>The content last loaded (or present at the baseline); null when there was none.</summary>
        public string? LoadedHash { get; set; } = loadedHash;
    }
}

using System.Runtime.CompilerServices;
using LlamaSwap.Configuration;
using LlamaSwap.Configuration.Watching;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>
/// The configuration the Supervisor runs with, its generation, and the watcher that reloads it. The watcher is
/// opened with <see cref="ConfigWatcherOptions.IncludeInitialLoad"/>, and its first result, read when this object
/// is created, is the startup configuration: a change made after that load is a reload, never missed.
/// </summary>
internal sealed class SupervisorConfiguration : IDisposable
{
    private readonly ConfigWatcher _watcher;
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<ConfigLoadResult> _results;
    private readonly Lock _gate = new();
    private LlamaSwapConfig _current;
    private ulong _generation;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reloadsTaken;

    private SupervisorConfiguration(ConfigSource source, ConfigWatcherOptions options, TimeProvider time)
    {
        Source = source;
        _watcher = new ConfigWatcher(source, s => ConfigLoader.Load(s), time, options with { IncludeInitialLoad = true });
        _results = _watcher.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);

        // The initial load happens before the watcher's first wait, so this completes synchronously.
        var first = _results.MoveNextAsync();
        Startup = (first.IsCompleted ? first.Result : first.AsTask().GetAwaiter().GetResult())
            ? _results.Current
            : throw new InvalidOperationException("the configuration watcher ended before its initial load");
        _current = Startup.Config ?? new LlamaSwapConfig();
        _generation = Startup.Succeeded ? 1UL : 0UL;
    }

    public ConfigSource Source { get; }

    /// <summary>The load at startup: a valid configuration, or every error that stops the Supervisor from starting.</summary>
    public ConfigLoadResult Startup { get; }

    /// <summary>The configuration last applied (the startup one until a reload succeeds).</summary>
    public LlamaSwapConfig Current
    {
        get
        {
            lock (_gate)
                return _current;
        }
    }

    /// <summary>1 for the startup configuration, +1 for each applied reload.</summary>
    public ulong Generation
    {
        get
        {
            lock (_gate)
                return _generation;
        }
    }

    /// <summary>Opens the sources the AppHost configured (<see cref="ConfigSourceSettings"/>), else <c>models.yaml</c> in the working directory.</summary>
    public static SupervisorConfiguration Open(Func<string, string?> settings, ConfigWatcherOptions options, TimeProvider time) =>
        new(ConfigSourceSettings.Read(settings) ?? new ConfigSource(SupervisorSettings.DefaultConfigFile), options, time);

    /// <summary>Completes at the next applied reload (or at once if the generation is already past <paramref name="seen"/>).</summary>
    public Task WaitForChangeAsync(ulong seen, CancellationToken cancellationToken)
    {
        lock (_gate)
            return (_generation != seen ? Task.CompletedTask : _changed.Task).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Every reload result after the startup one (valid or not), until <paramref name="cancellationToken"/> fires or
    /// this object is disposed. Only one reader may take them.
    /// </summary>
    public async IAsyncEnumerable<ConfigLoadResult> ReadReloadsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reloadsTaken, 1) == 1)
            throw new InvalidOperationException("the reloads have one reader");
        await using var stop = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _stop);
        while (true)
        {
            bool more;
            try
            {
                more = await _results.MoveNextAsync();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                yield break;
            }

            if (!more)
                yield break;
            yield return _results.Current;
        }
    }

    /// <summary>Makes <paramref name="config"/> current, increments the generation and wakes the watchers of state.</summary>
    public ulong Apply(LlamaSwapConfig config)
    {
        TaskCompletionSource changed;
        ulong generation;
        lock (_gate)
        {
            _current = config;
            generation = ++_generation;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return generation;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _watcher.Dispose();
    }
}

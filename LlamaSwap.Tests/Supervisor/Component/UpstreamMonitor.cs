using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>
/// Judges a Supervisor by the operating system's view of its upstreams: every spawn is reported (from the
/// Supervisor's log, at the moment it happens) with its PID, and at each spawn and every sampling tick the monitor
/// asks <see cref="ProcessTable"/> which of the spawned processes are alive (zombies count as gone). A rule over
/// the set of models alive together turns a forbidden combination into a violation.
/// </summary>
internal sealed class UpstreamMonitor : IAsyncDisposable
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(25);

    private readonly Lock _gate = new();
    private readonly List<(string Model, int Pid)> _spawned = [];
    private readonly List<string> _violations = [];
    private readonly Func<IReadOnlyCollection<string>, string?> _rule;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private int _maxAlive;
    private int _samples;

    /// <param name="rule">Given the models alive together, why that is not allowed, or null. Default: any combination.</param>
    public UpstreamMonitor(Func<IReadOnlyCollection<string>, string?>? rule = null, TimeSpan? interval = null)
    {
        _rule = rule ?? (_ => null);
        _sampler = SampleAsync(interval ?? DefaultInterval, _stop.Token);
    }

    /// <summary>Rule: at most <paramref name="count"/> models alive together.</summary>
    public static Func<IReadOnlyCollection<string>, string?> AtMost(int count) =>
        alive => alive.Count > count ? $"{alive.Count} models alive together ({string.Join(", ", alive)}), at most {count} allowed" : null;

    public IReadOnlyList<(string Model, int Pid)> Spawned
    {
        get
        {
            lock (_gate)
                return [.. _spawned];
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
                return [.. _violations];
        }
    }

    /// <summary>The most models seen alive together.</summary>
    public int MaxAlive => Volatile.Read(ref _maxAlive);

    /// <summary>How many sampling ticks ran (a test can require that sampling really happened).</summary>
    public int Samples => Volatile.Read(ref _samples);

    public void OnSpawned(string model, int pid)
    {
        lock (_gate)
            _spawned.Add((model, pid));
        Check($"at the spawn of {model} (pid {pid})");
    }

    public int SpawnCount(string model) => Spawned.Count(s => s.Model == model);

    public IReadOnlyList<int> PidsOf(string model) => [.. Spawned.Where(s => s.Model == model).Select(s => s.Pid)];

    /// <summary>Models with at least one live process now.</summary>
    public IReadOnlyList<string> AliveModels() =>
        [.. Spawned.Where(s => ProcessTable.IsAlive(s.Pid)).Select(s => s.Model).Distinct().Order(StringComparer.Ordinal)];

    public IReadOnlyList<int> AlivePids() => [.. Spawned.Where(s => ProcessTable.IsAlive(s.Pid)).Select(s => s.Pid)];

    /// <summary>Waits (polling /proc, bounded) until no spawned process is alive.</summary>
    public async Task WaitUntilNoneAliveAsync(TimeSpan timeout)
    {
        foreach (var pid in Spawned.Select(s => s.Pid))
            await ProcessTable.WaitForExitAsync(pid, timeout, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }

    private void Check(string when)
    {
        var alive = AliveModels();
        int max;
        do
        {
            max = Volatile.Read(ref _maxAlive);
        }
        while (alive.Count > max && Interlocked.CompareExchange(ref _maxAlive, alive.Count, max) != max);

        if (_rule(alive) is { } violation)
        {
            lock (_gate)
                _violations.Add($"{when}: {violation}");
        }
    }

    private async Task SampleAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Check("sampled");
                Interlocked.Increment(ref _samples);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

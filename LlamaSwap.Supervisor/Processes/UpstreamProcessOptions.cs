using LlamaSwap.Supervisor.Processes.Leftovers;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>Timings and paths of upstream process handling; the defaults are what the Supervisor runs with.</summary>
internal sealed record UpstreamProcessOptions
{
    /// <summary>Where running upstreams are recorded for <see cref="LeftoverUpstreamReaper"/> (one file per Supervisor).</summary>
    public string StateFilePath { get; init; } = UpstreamStateFile.DefaultPath();

    /// <summary>First pause between readiness polls; doubles up to <see cref="ReadinessMaxDelay"/> (see <see cref="ReadinessBackoff"/>).</summary>
    public TimeSpan ReadinessInitialDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Longest pause between readiness polls: how late, at most, an upstream that turned ready is noticed. A poll is
    /// one loopback <c>GET</c>, so 50 a second while a model loads cost next to nothing.
    /// </summary>
    public TimeSpan ReadinessMaxDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a start is polled at <see cref="ReadinessMaxDelay"/> before the polls back off.</summary>
    public TimeSpan ReadinessFastWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest pause between readiness polls once a start has outlasted <see cref="ReadinessFastWindow"/>.</summary>
    public TimeSpan ReadinessSlowMaxDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls are reported as <c>WaitingForReady</c> progress (the first one, then at most one per interval), so a
    /// waiting client's loading messages stay readable however often the Supervisor polls.
    /// </summary>
    public TimeSpan ReadinessProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Bound of one readiness request (llama-swap settled on 5 s after slower backends failed a 500 ms limit).</summary>
    public TimeSpan ReadinessAttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Graceful window when a start is abandoned (health timeout, cancellation), as llama-swap uses.</summary>
    public TimeSpan StartAbortGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Graceful window for what is left of a tree whose leader exited on its own.</summary>
    public TimeSpan OrphanGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a SIGKILLed tree may take to disappear before the stop gives up waiting and logs an error.</summary>
    public TimeSpan KillWaitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the output pumps may take to reach end-of-file once the tree is gone; a process that left the group
    /// but holds the pipes cannot hold a stop longer than this.
    /// </summary>
    public TimeSpan PipeDrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Run a watchdog per upstream that ends its group if the Supervisor dies without stopping it.</summary>
    public bool EnableWatchdog { get; init; } = true;
}

namespace LlamaSwap.Supervisor.Scheduling;

internal sealed record SchedulerOptions
{
    /// <summary>
    /// After a failed start, requests for that model fail at once with the same reason for this long
    /// instead of spawning a crash loop; the first request after it tries a fresh start.
    /// </summary>
    public TimeSpan StartFailureCooldown { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long past its own deadline (health check timeout for a start, graceful window for a stop)
    /// the scheduler waits for a process operation before it gives up on it, logs an error and moves
    /// on, so a process that ignores its deadlines can never wedge the scheduler.
    /// </summary>
    public TimeSpan AbandonGrace { get; init; } = TimeSpan.FromSeconds(30);
}

namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// One model's upstream process, driven by the scheduler. The scheduler never calls
/// <see cref="StartAsync"/> and <see cref="StopAsync"/> concurrently on one instance, and creates a
/// new instance for every start, so an instance lives through one process at most.
/// </summary>
public interface IUpstreamProcess : IAsyncDisposable
{
    string ModelId { get; }

    /// <summary>The child's PID once spawned; null before.</summary>
    int? Pid { get; }

    /// <summary>
    /// Spawns the command and completes once the upstream is ready (check endpoint answered 200, or
    /// at once with <c>checkEndpoint: none</c>). Throws <see cref="UpstreamStartException"/> with the
    /// reason on spawn failure, early exit or health-check timeout; cancelling aborts the start and
    /// kills the process tree before the returned task completes.
    /// </summary>
    Task StartAsync(IProgress<UpstreamStartProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the whole process tree: <c>cmdStop</c> or SIGTERM to the process group, then SIGKILL once
    /// <paramref name="gracefulTimeout"/> has passed (<see cref="TimeSpan.Zero"/> = SIGKILL at once).
    /// Completes when every process of the tree is gone. Idempotent; a no-op before a spawn.
    /// </summary>
    Task StopAsync(TimeSpan gracefulTimeout, CancellationToken cancellationToken);

    /// <summary>Completes with the exit code when the spawned process exits, for whatever reason.</summary>
    Task<int> Exited { get; }
}

/// <summary>Creates processes for models; the seam that lets scheduler tests run without real processes.</summary>
public interface IUpstreamProcessFactory
{
    IUpstreamProcess Create(LlamaSwap.Configuration.ModelConfig model);
}

public enum UpstreamStartPhase { Spawned, WaitingForReady }

/// <param name="Attempt">Readiness polls made so far (0 when spawned).</param>
public sealed record UpstreamStartProgress(UpstreamStartPhase Phase, int Attempt);

/// <summary>A start that failed; <see cref="Exception.Message"/> says why in words a user can act on.</summary>
public sealed class UpstreamStartException(string message, Exception? inner = null) : Exception(message, inner);

using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Processes;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// Everything the scheduler knows about one model. Owned by the scheduler loop: only the loop reads or
/// writes it; tasks the loop launches capture what they need and report back through commands.
/// </summary>
internal sealed class ModelSlot(ModelConfig config)
{
    public ModelConfig Config { get; set; } = config;

    public string Id => Config.Id;

    public ModelState Phase { get; set; } = ModelState.Stopped;

    /// <summary>Counts processes started for this model; completions from older processes are ignored.</summary>
    public int Generation { get; private set; }

    public IUpstreamProcess? Process { get; private set; }

    public int? Pid { get; set; }

    /// <summary>The running start (it never throws); a stop awaits it so start and stop never overlap.</summary>
    public Task? StartTask { get; set; }

    public CancellationTokenSource? StartAbort { get; set; }

    /// <summary>Open leases: exact, each removed once (released, revoked or ended with its process).</summary>
    public HashSet<Lease> Leases { get; } = [];

    /// <summary>Admitted requests not answered yet (queued or waiting on a swap).</summary>
    public int Pending { get; set; }

    public DateTimeOffset? LastUsed { get; set; }

    public ITimer? TtlTimer { get; set; }

    public int TtlGeneration { get; set; }

    public DateTimeOffset? TtlDeadline { get; set; }

    public DateTimeOffset CooldownUntil { get; set; } = DateTimeOffset.MinValue;

    public string? LastFailure { get; set; }

    /// <summary>A soft unload waits for the open leases to end before it stops the model.</summary>
    public bool UnloadRequested { get; set; }

    /// <summary>A reload changed the process settings; applied once the old process has stopped.</summary>
    public ModelConfig? NextConfig { get; set; }

    /// <summary>Removed from the configuration; forgotten once stopped.</summary>
    public bool Retired { get; set; }

    /// <summary>Stop as soon as the open leases end, and hand out no new ones meanwhile.</summary>
    public bool StopWhenIdle => UnloadRequested || NextConfig is not null || Retired;

    /// <summary>Unload callers waiting for this model to reach <see cref="ModelState.Stopped"/>.</summary>
    public List<TaskCompletionSource> StopWaiters { get; } = [];

    public int Admitted => Pending + Leases.Count;

    public int ConcurrencyLimit => Config.ConcurrencyLimit > 0 ? Config.ConcurrencyLimit : 10;

    public int BeginProcess(IUpstreamProcess process)
    {
        Generation++;
        Process = process;
        Phase = ModelState.Starting;
        return Generation;
    }

    public void EndProcess()
    {
        Phase = ModelState.Stopped;
        Process = null;
        Pid = null;
        StartTask = null;
        StartAbort?.Dispose();
        StartAbort = null;
    }

    public override string ToString() => $"{Id} ({Phase})";
}

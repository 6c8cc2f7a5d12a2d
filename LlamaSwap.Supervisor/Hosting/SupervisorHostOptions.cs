using LlamaSwap.Configuration.Watching;
using LlamaSwap.Supervisor.Metrics;
using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>What <see cref="SupervisorHostingExtensions.AddSupervisor"/> composes the Supervisor with; the defaults are production's.</summary>
internal sealed class SupervisorHostOptions
{
    /// <summary>Process handling; its state file comes from <c>LlamaSwap:StateFile</c> when that is set.</summary>
    public UpstreamProcessOptions Processes { get; set; } = new();

    public SchedulerOptions Scheduler { get; set; } = new();

    /// <summary>How the configuration is watched for reloads (the initial load is always included).</summary>
    public ConfigWatcherOptions ConfigWatcher { get; set; } = new();

    /// <summary>The <c>nvidia-smi</c> to query for GPU metrics; by default the one on the <c>PATH</c>, if any.</summary>
    public string? NvidiaSmiPath { get; set; } = GpuMetricsReader.Find(Environment.GetEnvironmentVariable("PATH"));

    public TimeSpan GpuQueryTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

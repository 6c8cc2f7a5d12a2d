namespace LlamaSwap.Benchmarks.Harness;

/// <summary>
/// What one server process spent while it was being measured: CPU seconds (from /proc), and
/// when it is a .NET process with the probe, allocations, collections, thread-pool work items
/// and lock contentions. Accumulated over the measured windows only, never over warm-ups or
/// the other targets' turns. Memory: resident size when idle (before any load) and the peak.
/// </summary>
internal sealed class ResourceAccount(string role, int pid, RuntimeProbe? probe)
{
    public string Role { get; } = role;

    public RuntimeProbe? Probe { get; } = probe;

    public int Pid { get; } = pid;

    public double CpuSeconds { get; private set; }

    public long Requests { get; private set; }

    public RuntimeDelta? Runtime { get; private set; }

    /// <summary>Resident memory before the target served anything; set by whoever saw it idle.</summary>
    public long IdleRssBytes { get; set; }

    private long _lastPeak;

    /// <summary>Peak resident memory (VmHWM); kept from the last reading once the process is gone.</summary>
    public long PeakRssBytes => ProcFs.PeakResidentBytes(Pid) is { } peak ? _lastPeak = peak : _lastPeak;

    /// <summary>Starts a measured window; dispose the result with the number of requests it served.</summary>
    public Window Begin() => new(this, ProcFs.CpuSeconds(Pid) ?? 0, Probe?.Read(Pid));

    internal sealed class Window(ResourceAccount account, double cpuBefore, RuntimeCounters? runtimeBefore)
    {
        public void End(long requests)
        {
            account.CpuSeconds += (ProcFs.CpuSeconds(account.Pid) ?? cpuBefore) - cpuBefore;
            account.Requests += requests;
            if (runtimeBefore is not null && account.Probe?.Read(account.Pid) is { } after)
            {
                var delta = after.Since(runtimeBefore);
                account.Runtime = account.Runtime is null ? delta : account.Runtime.Add(delta);
            }
        }
    }
}

/// <summary>The windows of several accounts, begun and ended together.</summary>
internal sealed class MeasuredWindow
{
    private readonly List<ResourceAccount.Window> _windows;

    private MeasuredWindow(List<ResourceAccount.Window> windows) => _windows = windows;

    public static MeasuredWindow Begin(IEnumerable<ResourceAccount> accounts) => new([.. accounts.Select(a => a.Begin())]);

    public void End(long requests)
    {
        foreach (var window in _windows)
        {
            window.End(requests);
        }
    }
}

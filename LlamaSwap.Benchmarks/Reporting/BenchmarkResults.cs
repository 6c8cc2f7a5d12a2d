using LlamaSwap.Benchmarks.Harness;

namespace LlamaSwap.Benchmarks.Reporting;

/// <summary>Everything one run measured; written as results.json and rendered as results.md.</summary>
internal sealed record BenchmarkResults(RunInfo Run, ProxyResults? Proxy, SwapResults? Swaps, GrpcResults? Grpc)
{
    public List<TargetCheck> Targets { get; init; } = [];
}

internal sealed record RunInfo(
    string Profile, DateTimeOffset StartedAt, double DurationSeconds, string Command, int ProcessorCount, string Cpu, string Kernel,
    string Runtime, string? Nginx, string? PythonGrpc, string LoadAverageAtStart, string LoadAverageAtEnd, List<string> Notes);

/// <summary>One process's resources during one phase of a scenario.</summary>
internal sealed record ProcessResources(
    string Target, string Role, string Phase, long Requests, double CpuSeconds, double CpuMicrosecondsPerRequest,
    double IdleRssMegabytes, double PeakRssMegabytes,
    double? AllocatedBytesPerRequest, double? WorkItemsPerRequest, int? Gen0, int? Gen1, int? Gen2, double? GcPauseMilliseconds,
    long? LockContentions, int? Threads, bool? ServerGc)
{
    /// <summary>
    /// The types that allocated most during the phase, from the runtime's allocation ticks (one
    /// sample per ~100 KB), scaled to bytes per request: where the allocations per request go.
    /// </summary>
    public List<AllocationShare> TopAllocations { get; init; } = [];

    public static ProcessResources From(string target, string phase, ResourceAccount account)
    {
        var runtime = account.Runtime;
        var requests = Math.Max(account.Requests, 1);
        return new ProcessResources(
            target, account.Role, phase, account.Requests, Math.Round(account.CpuSeconds, 2),
            Math.Round(account.CpuSeconds * 1e6 / requests, 1),
            Megabytes(account.IdleRssBytes), Megabytes(account.PeakRssBytes),
            runtime is null ? null : Math.Round((double)runtime.AllocatedBytes / requests),
            runtime is null ? null : Math.Round((double)runtime.WorkItems / requests, 1),
            runtime?.Gen0, runtime?.Gen1, runtime?.Gen2, runtime is null ? null : Math.Round(runtime.GcPauseMs, 1),
            runtime?.LockContentions, runtime?.ThreadsAtEnd, runtime?.ServerGc)
        {
            TopAllocations = runtime is null ? [] : AllocationShare.Top(runtime.SampledAllocations, requests, 10),
        };
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}

internal sealed record ProxyResults(List<ProxyTargetResult> Targets, ProxySetup Setup);

internal sealed record ProxySetup(string Upstream, string PacedUpstream, int LatencyRequests, int Rounds, double ThroughputSeconds, int FastStreams, int PacedStreams);

internal sealed record ProxyTargetResult(string Name, string Status)
{
    public LatencySummary? Latency { get; init; }

    public List<ThroughputPoint> Throughput { get; init; } = [];

    public StreamingResult? Streaming { get; init; }

    public List<ProcessResources> Resources { get; init; } = [];

    public bool Measured => Latency is not null;
}

internal sealed record ThroughputPoint(int Concurrency, double RequestsPerSecond, int Requests, int Errors, LatencySummary Latency);

/// <summary>
/// Streaming: time to first byte with the as-fast-as-possible upstream; with the paced upstream,
/// when on average a chunk reached the client (from the request's start), and the SSE event
/// counts every stream delivered.
/// </summary>
internal sealed record StreamingResult(
    LatencySummary TimeToFirstByte, int FastStreams, int FastEventsMin, int FastEventsMax,
    int PacedStreams, double MeanChunkArrivalMicroseconds, int PacedEventsMin, int PacedEventsMax, int Errors);

internal sealed record GrpcResults(
    LatencySummary OurUnary, LatencySummary? PythonUnary, string PythonStatus, double StreamMessagesPerSecond, int StreamMessages,
    LatencySummary LeaseFloor, LatencySummary? SupervisorAcquire, string SupervisorStatus, List<ProcessResources> Resources)
{
    /// <summary>Releasing the lease: disposing the Acquire call until the client's side of it is done.</summary>
    public LatencySummary? SupervisorRelease { get; init; }
}

internal sealed record SwapResults(string Status)
{
    public ColdStartResult? ColdStart { get; init; }

    public ReadinessResult? Readiness { get; init; }

    public LatencySummary? Swap { get; init; }

    public List<ChurnResult> Churn { get; init; } = [];
}

/// <summary>
/// A cold model: the simulator's own time from spawn to ready (started directly), the time from
/// Acquire to Ready through the Supervisor (and the first byte through the Proxy), and the difference.
/// </summary>
internal sealed record ColdStartResult(LatencySummary SimulatorOwnReady, LatencySummary SupervisorAcquire, LatencySummary? ProxyFirstByte, string ProxyStatus);

/// <summary>Time from the upstream's /health turning 200 to the Supervisor's Ready.</summary>
internal sealed record ReadinessResult(LatencySummary Detection, int Samples);

internal sealed record ChurnResult(
    string Mode, double StarvationBoundSeconds, double DurationSeconds, int Requests, int Swaps, LatencySummary Wait,
    Dictionary<string, LatencySummary> WaitByModel, int StillWaitingAtEnd, double LongestWaitMilliseconds, int FailedRequests);

/// <summary>One target of the work item, with the measured value and whether it was met.</summary>
internal sealed record TargetCheck(string Target, string Goal, string Measured, string Outcome);

/// <summary>The phases a proxy target's resources are accounted in.</summary>
internal static class ProxyPhases
{
    public const string NonStreaming = "non-streaming";
    public const string Streaming = "streaming";
}

/// <summary>One type's share of the sampled allocations.</summary>
internal sealed record AllocationShare(string Type, double BytesPerRequest, double Percent)
{
    public static List<AllocationShare> Top(IReadOnlyDictionary<string, long> sampled, long requests, int count)
    {
        var total = (double)Math.Max(1, sampled.Values.Sum());
        return [.. sampled.OrderByDescending(p => p.Value).Take(count)
            .Select(p => new AllocationShare(p.Key, Math.Round((double)p.Value / Math.Max(1, requests)), Math.Round(p.Value * 100 / total, 1)))];
    }
}

namespace LlamaSwap.Benchmarks.Harness;

/// <summary>
/// How much of each measurement a run does. The full profile is what the committed results
/// come from; the smoke profile only proves every scenario still produces numbers (CI, under a minute).
/// </summary>
internal sealed record BenchmarkProfile(
    string Name,
    TimeSpan Warmup,
    int LatencyRequests,
    int Rounds,
    TimeSpan ThroughputWarmup,
    TimeSpan ThroughputDuration,
    int[] Concurrencies,
    int FastStreams,
    int PacedStreams,
    int GrpcUnaryCalls,
    int GrpcStreamMessages,
    int PythonCalls,
    int LeaseCalls,
    int ColdStarts,
    int Swaps,
    TimeSpan ChurnDuration,
    bool Diagnostics)
{
    public static BenchmarkProfile Full { get; } = new(
        "full", Warmup: TimeSpan.FromSeconds(3), LatencyRequests: 3000, Rounds: 3,
        ThroughputWarmup: TimeSpan.FromSeconds(1), ThroughputDuration: TimeSpan.FromSeconds(4), Concurrencies: [1, 16, 64],
        FastStreams: 1000, PacedStreams: 90,
        GrpcUnaryCalls: 10_000, GrpcStreamMessages: 200_000, PythonCalls: 5000, LeaseCalls: 3000,
        ColdStarts: 12, Swaps: 10, ChurnDuration: TimeSpan.FromSeconds(20), Diagnostics: true);

    public static BenchmarkProfile Smoke { get; } = new(
        "smoke", Warmup: TimeSpan.FromMilliseconds(200), LatencyRequests: 40, Rounds: 1,
        ThroughputWarmup: TimeSpan.FromMilliseconds(100), ThroughputDuration: TimeSpan.FromMilliseconds(300), Concurrencies: [1, 16, 64],
        FastStreams: 10, PacedStreams: 3,
        GrpcUnaryCalls: 100, GrpcStreamMessages: 2000, PythonCalls: 50, LeaseCalls: 30,
        ColdStarts: 1, Swaps: 1, ChurnDuration: TimeSpan.FromSeconds(3), Diagnostics: false);
}

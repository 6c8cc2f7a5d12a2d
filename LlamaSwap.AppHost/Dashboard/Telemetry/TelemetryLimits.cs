namespace LlamaSwap.AppHost.Dashboard.Telemetry;

/// <summary>
/// Bounds of the in-memory telemetry store: the dashboard runs for days beside a busy Proxy and must
/// not grow. The defaults follow the Aspire dashboard's (10 000 logs and traces, 128 attributes).
/// </summary>
internal sealed record TelemetryLimits
{
    /// <summary>Spans kept across all traces; the oldest traces are dropped whole to make room.</summary>
    public int MaxSpanCount { get; init; } = 10_000;
    public int MaxLogCount { get; init; } = 10_000;
    public int MaxAttributeCount { get; init; } = 128;
    public int MaxAttributeLength { get; init; } = 4096;
    public int MaxSpanEventCount { get; init; } = 64;
    public int MaxInstrumentCount { get; init; } = 1_000;
    /// <summary>Attribute combinations kept per instrument; new ones beyond it are dropped.</summary>
    public int MaxSeriesPerInstrument { get; init; } = 200;
    /// <summary>Points per series: ten minutes at the one-second export interval the AppHost sets.</summary>
    public int MaxPointsPerSeries { get; init; } = 600;
}

using System.Collections.Immutable;

namespace LlamaSwap.AppHost.Dashboard.Telemetry;

/// <summary>Filters of the structured log list; every set filter must match.</summary>
internal sealed record LogQuery
{
    /// <summary>A service name (every instance) or a resource key's text form (<c>name/instance</c>).</summary>
    public string? Resource { get; init; }
    /// <summary>The lowest level shown: trace, debug, information, warning, error, critical.</summary>
    public string? MinimumLevel { get; init; }
    /// <summary>Case-insensitive text in the message or an attribute value.</summary>
    public string? Text { get; init; }
    public string? TraceId { get; init; }
    public int Limit { get; init; } = 500;
}

internal sealed record TraceQuery
{
    public string? Resource { get; init; }
    /// <summary>Case-insensitive text in a span name.</summary>
    public string? Text { get; init; }
    public int Limit { get; init; } = 200;
}

/// <summary>A line of the trace list.</summary>
internal sealed record TraceSummary(
    string TraceId, string RootName, string RootService, double StartMs, double DurationMs,
    int SpanCount, int ErrorCount, ImmutableArray<string> Services);

/// <summary>Version numbers that grow when a signal gets new data; the UI refreshes on a change.</summary>
internal sealed record TelemetryVersions(long Traces, long Logs, long Metrics, long Resources);

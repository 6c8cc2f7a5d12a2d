using System.Collections.Immutable;

namespace LlamaSwap.AppHost.Dashboard.Telemetry;

/// <summary>
/// Who sent telemetry: <c>service.name</c> + <c>service.instance.id</c>, as the Aspire dashboard keys
/// resources. The AppHost gives each service a stable instance id for the run, so a restarted Proxy
/// keeps its identity.
/// </summary>
internal sealed record TelemetryResourceKey(string ServiceName, string InstanceId)
{
    public override string ToString() => InstanceId.Length == 0 ? ServiceName : $"{ServiceName}/{InstanceId}";
}

/// <summary>A resource seen through OTLP, with the attributes of its latest export.</summary>
internal sealed record TelemetryResource(TelemetryResourceKey Key, ImmutableArray<TelemetryAttribute> Attributes);

/// <summary>One attribute, its value rendered as text (arrays and maps in a JSON-like form).</summary>
internal sealed record TelemetryAttribute(string Key, string Value);

internal sealed record SpanEvent(double TimeMs, string Name, ImmutableArray<TelemetryAttribute> Attributes);

internal sealed record SpanRecord
{
    public required string TraceId { get; init; }
    public required string SpanId { get; init; }
    /// <summary>Empty for a root span.</summary>
    public required string ParentSpanId { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required TelemetryResourceKey Resource { get; init; }
    public required string Scope { get; init; }
    public required double StartMs { get; init; }
    public required double EndMs { get; init; }
    /// <summary>unset, ok or error.</summary>
    public required string Status { get; init; }
    public string StatusMessage { get; init; } = "";
    public ImmutableArray<TelemetryAttribute> Attributes { get; init; } = [];
    public ImmutableArray<SpanEvent> Events { get; init; } = [];

    public double DurationMs => Math.Max(0, EndMs - StartMs);
}

internal sealed record LogEntry
{
    /// <summary>Increasing per repository: the order records arrived in.</summary>
    public required long Id { get; init; }
    public required TelemetryResourceKey Resource { get; init; }
    public required double TimeMs { get; init; }
    public required int SeverityNumber { get; init; }
    /// <summary>trace, debug, information, warning, error or critical.</summary>
    public required string Level { get; init; }
    public required string Message { get; init; }
    public string Scope { get; init; } = "";
    public string EventName { get; init; } = "";
    public string TraceId { get; init; } = "";
    public string SpanId { get; init; } = "";
    public ImmutableArray<TelemetryAttribute> Attributes { get; init; } = [];
}

/// <summary>One measurement of a series: a number, or a histogram's count, sum and buckets.</summary>
internal sealed record MetricPoint
{
    public required double TimeMs { get; init; }
    public double StartMs { get; init; }
    public double? Value { get; init; }
    public ulong? Count { get; init; }
    public double? Sum { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public ImmutableArray<ulong> BucketCounts { get; init; } = [];
    public ImmutableArray<double> ExplicitBounds { get; init; } = [];
}

internal sealed record MetricInstrumentInfo(
    TelemetryResourceKey Resource, string Scope, string Name, string Description, string Unit,
    string Type, string Temporality, bool IsMonotonic, int SeriesCount);

internal sealed record MetricSeries(ImmutableArray<TelemetryAttribute> Attributes, ImmutableArray<MetricPoint> Points);

namespace LlamaSwap.Proxy.Metrics;

internal enum MetricKind
{
    /// <summary>Monotonic sum; exported with a <c>_total</c> suffix.</summary>
    Counter,

    /// <summary>A value that goes up and down (gauges, up-down counters).</summary>
    Gauge,

    Histogram,
}

/// <summary>The current values of one instrument, one point per distinct tag set.</summary>
internal sealed record MetricSnapshot(string Name, string? Unit, string? Description, MetricKind Kind, IReadOnlyList<MetricPoint> Points);

/// <summary>One tag set's value; for a histogram, <see cref="Histogram"/> holds the distribution.</summary>
internal sealed record MetricPoint(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramPoint? Histogram = null);

/// <param name="Bounds">Upper bounds of the finite buckets, ascending.</param>
/// <param name="BucketCounts">Per-bucket (not cumulative) counts: one per bound, then the overflow bucket.</param>
internal sealed record HistogramPoint(IReadOnlyList<double> Bounds, IReadOnlyList<long> BucketCounts, double Sum, long Count);

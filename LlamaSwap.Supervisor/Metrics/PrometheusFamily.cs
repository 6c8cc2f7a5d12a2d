using System.Collections.Immutable;

namespace LlamaSwap.Supervisor.Metrics;

internal enum PrometheusType { Counter, Gauge, Histogram }

/// <summary>One metric family of the Prometheus text format: a name, its type and help, and its samples.</summary>
/// <param name="Name">The full sample name (a counter's includes <c>_total</c>).</param>
internal sealed record PrometheusFamily(string Name, PrometheusType Type, string Help, ImmutableArray<PrometheusSample> Samples);

/// <summary>One labelled value; for a histogram family <see cref="Histogram"/> carries the buckets.</summary>
internal sealed record PrometheusSample(ImmutableArray<KeyValuePair<string, string>> Labels, double Value, PrometheusHistogram? Histogram = null)
{
    public static PrometheusSample Of(double value, params (string Name, string Value)[] labels) =>
        new([.. labels.Select(l => KeyValuePair.Create(l.Name, l.Value))], value);
}

/// <param name="Bounds">Upper bounds of the finite buckets, ascending.</param>
/// <param name="Counts">Observations per bucket, not cumulative: one per bound, then the overflow (+Inf) bucket.</param>
internal sealed record PrometheusHistogram(ImmutableArray<double> Bounds, ImmutableArray<long> Counts, double Sum, long Count);

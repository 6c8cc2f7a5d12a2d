using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using LlamaSwap.Supervisor.Telemetry;

namespace LlamaSwap.Supervisor.Metrics;

/// <summary>
/// Aggregates every instrument of the meters named <see cref="SupervisorTelemetry.Name"/> since it started
/// listening, for <c>/metrics</c>: counters sum, histograms count into buckets, up-down counters sum, gauges keep
/// their last value. Observable instruments are read at each <see cref="Collect"/> and only what they report then
/// is shown. Instruments with the same name (one per scheduler instance) share one family.
/// </summary>
internal sealed class SupervisorMeterCollector : IDisposable
{
    /// <summary>Bucket bounds for histograms in seconds (the OpenTelemetry HTTP duration advice, extended to minutes for model starts).</summary>
    internal static readonly ImmutableArray<double> SecondsBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300];

    /// <summary>The OpenTelemetry SDK's default bounds, for histograms in other units.</summary>
    internal static readonly ImmutableArray<double> DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly string _meterName;

    public SupervisorMeterCollector(string meterName = SupervisorTelemetry.Name)
    {
        _meterName = meterName;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == _meterName && Describe(instrument) is { } family)
                listener.EnableMeasurementEvents(instrument, family);
        };
        _listener.SetMeasurementEventCallback<double>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<float>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<short>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<byte>((i, v, t, s) => Record(s, v, t));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments, then returns every family, sorted by name.</summary>
    public IReadOnlyList<PrometheusFamily> Collect()
    {
        lock (_gate)
        {
            foreach (var family in _families.Values.Where(f => f.Observed))
                family.Points.Clear();
        }

        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            return [.. _families.Values
                .Where(f => f.Points.Count > 0)
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => f.ToPrometheus())];
        }
    }

    public void Dispose() => _listener.Dispose();

    private Family? Describe(Instrument instrument)
    {
        if (Kind(instrument) is not { } kind)
            return null;
        var (type, aggregation, observed) = kind;
        var name = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, type == PrometheusType.Counter);
        lock (_gate)
        {
            if (_families.TryGetValue(name, out var existing))
                return existing.Type == type ? existing : null;
            var bounds = type == PrometheusType.Histogram ? BoundsFor(instrument) : [];
            var family = new Family(name, type, aggregation, observed, instrument.Description ?? instrument.Name, bounds);
            _families.Add(name, family);
            return family;
        }
    }

    /// <summary>How an instrument is exported; null for kinds this collector does not know.</summary>
    private static (PrometheusType Type, Aggregation Aggregation, bool Observed)? Kind(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
            return null;
        var definition = instrument.GetType().GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
            return (PrometheusType.Counter, Aggregation.Sum, false);
        if (definition == typeof(ObservableCounter<>))
            return (PrometheusType.Counter, Aggregation.Last, true);
        if (definition == typeof(UpDownCounter<>))
            return (PrometheusType.Gauge, Aggregation.Sum, false);
        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>))
            return (PrometheusType.Gauge, Aggregation.Last, true);
        if (definition == typeof(Gauge<>))
            return (PrometheusType.Gauge, Aggregation.Last, false);
        if (definition == typeof(Histogram<>))
            return (PrometheusType.Histogram, Aggregation.Buckets, false);
        return null;
    }

    private static ImmutableArray<double> BoundsFor(Instrument instrument)
    {
        var advice = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.Select(b => b).ToImmutableArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToImmutableArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToImmutableArray(),
            _ => null,
        };
        return advice is { Length: > 0 } given ? given : instrument.Unit == "s" ? SecondsBounds : DefaultBounds;
    }

    private void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is not Family family)
            return;
        var labels = Labels(tags);
        var key = string.Join('\u0001', labels.Select(l => l.Key + "\u0002" + l.Value));
        lock (_gate)
        {
            if (!family.Points.TryGetValue(key, out var point))
            {
                point = new Point(labels, family.Bounds.Length);
                family.Points.Add(key, point);
            }

            switch (family.Aggregation)
            {
                case Aggregation.Sum:
                    point.Value += value;
                    break;
                case Aggregation.Last:
                    point.Value = value;
                    break;
                case Aggregation.Buckets:
                    point.Observe(value, family.Bounds);
                    break;
            }
        }
    }

    private static ImmutableArray<KeyValuePair<string, string>> Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var text = value switch
            {
                null => "",
                string s => s,
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            labels.Add(KeyValuePair.Create(PrometheusNaming.LabelName(key), text));
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels.MoveToImmutable();
    }

    private enum Aggregation { Sum, Last, Buckets }

    private sealed class Family(string name, PrometheusType type, Aggregation aggregation, bool observed, string help, ImmutableArray<double> bounds)
    {
        public string Name { get; } = name;

        public PrometheusType Type { get; } = type;

        public Aggregation Aggregation { get; } = aggregation;

        /// <summary>Values come from callbacks at collection time and replace what was there.</summary>
        public bool Observed { get; } = observed;

        public string Help { get; } = help;

        public ImmutableArray<double> Bounds { get; } = bounds;

        public SortedDictionary<string, Point> Points { get; } = new(StringComparer.Ordinal);

        public PrometheusFamily ToPrometheus() => new(Name, Type, Help, [.. Points.Values.Select(p => p.ToSample(Type, Bounds))]);
    }

    private sealed class Point(ImmutableArray<KeyValuePair<string, string>> labels, int bounds)
    {
        private readonly long[] _counts = new long[bounds + 1];
        private long _count;
        private double _sum;

        public ImmutableArray<KeyValuePair<string, string>> Labels { get; } = labels;

        public double Value { get; set; }

        public void Observe(double value, ImmutableArray<double> bounds)
        {
            var bucket = 0;
            while (bucket < bounds.Length && value > bounds[bucket])
                bucket++;
            _counts[bucket]++;
            _count++;
            _sum += value;
        }

        public PrometheusSample ToSample(PrometheusType type, ImmutableArray<double> bounds) => type == PrometheusType.Histogram
            ? new PrometheusSample(Labels, _count, new PrometheusHistogram(bounds, [.. _counts], _sum, _count))
            : new PrometheusSample(Labels, Value);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace LlamaSwap.Proxy.Metrics;

/// <summary>
/// Aggregates every instrument of this service's <c>LlamaSwap.Proxy</c> Meter — the request path's request
/// duration, time to first byte, in-flight and queue wait, and the token metrics — for <c>/metrics</c>:
/// counters and up-down counters as sums, gauges as their last value, histograms as bucket counts (the
/// instrument's advised boundaries, or OpenTelemetry's defaults). Only meters of this host's
/// <see cref="IMeterFactory"/> (or created without one) are read, so hosts sharing a process do not mix.
/// </summary>
internal sealed class MeterCollector : IHostedService, IDisposable
{
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
    private static readonly double[] DefaultSecondsBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly IMeterFactory _meterFactory;
    private readonly string _meterName;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();

    public MeterCollector(IMeterFactory meterFactory, string meterName = ProxyMeterNames.Meter)
    {
        _meterFactory = meterFactory;
        _meterName = meterName;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != _meterName
                || (instrument.Meter.Scope is not null && !ReferenceEquals(instrument.Meter.Scope, _meterFactory)))
            {
                return;
            }

            var state = _instruments.GetOrAdd(instrument, static i => new InstrumentState(i));
            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentState)state!).Record((double)value, tags));
        _listener.Start();
    }

    public IReadOnlyList<MetricSnapshot> Collect()
    {
        _listener.RecordObservableInstruments();
        return [.. _instruments.Values.Select(s => s.Snapshot())];
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private static (MetricKind Kind, bool Cumulative) Classify(Instrument instrument)
    {
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        if (definition == typeof(Counter<>))
            return (MetricKind.Counter, false);
        if (definition == typeof(ObservableCounter<>))
            return (MetricKind.Counter, true);
        if (definition == typeof(UpDownCounter<>))
            return (MetricKind.Gauge, false);
        if (definition == typeof(Histogram<>))
            return (MetricKind.Histogram, false);
        // Observable up-down counters and gauges report their current value.
        return (MetricKind.Gauge, true);
    }

    private static double[] Bounds(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        if (advised is { Length: > 0 })
            return advised;
        return instrument.Unit == "s" ? DefaultSecondsBounds : DefaultBounds;
    }

    private sealed class InstrumentState(Instrument instrument)
    {
        private readonly (MetricKind Kind, bool Cumulative) _kind = Classify(instrument);
        private readonly double[] _bounds = Classify(instrument).Kind == MetricKind.Histogram ? Bounds(instrument) : [];
        private readonly ConcurrentDictionary<string, Point> _points = new(StringComparer.Ordinal);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new List<KeyValuePair<string, string>>(tags.Length);
            foreach (var (tagKey, tagValue) in tags)
                labels.Add(new(tagKey, Convert.ToString(tagValue, CultureInfo.InvariantCulture) ?? ""));
            labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            var key = string.Join('\u0001', labels.Select(l => l.Key + '\u0002' + l.Value));

            var point = _points.GetOrAdd(key, static (_, state) => new Point(state.labels, state.bounds), (labels, bounds: _bounds));
            lock (point)
            {
                switch (_kind)
                {
                    case (MetricKind.Histogram, _):
                        var bucket = Array.BinarySearch(_bounds, value);
                        // Buckets are upper-inclusive: a value equal to a bound counts in that bound's bucket.
                        point.Buckets[bucket >= 0 ? bucket : ~bucket]++;
                        point.Sum += value;
                        point.Count++;
                        break;
                    case (_, true):
                        point.Value = value;
                        break;
                    default:
                        point.Value += value;
                        break;
                }
            }
        }

        public MetricSnapshot Snapshot()
        {
            var points = new List<MetricPoint>();
            foreach (var point in _points.Values)
            {
                lock (point)
                {
                    points.Add(_kind.Kind == MetricKind.Histogram
                        ? new MetricPoint(point.Labels, point.Sum, new HistogramPoint(_bounds, [.. point.Buckets], point.Sum, point.Count))
                        : new MetricPoint(point.Labels, point.Value));
                }
            }

            points.Sort((a, b) => string.CompareOrdinal(string.Join(',', a.Labels), string.Join(',', b.Labels)));
            return new MetricSnapshot(instrument.Name, instrument.Unit, instrument.Description, _kind.Kind, points);
        }
    }

    private sealed class Point(IReadOnlyList<KeyValuePair<string, string>> labels, double[] bounds)
    {
        public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;

        public long[] Buckets { get; } = new long[bounds.Length + 1];

        public double Value { get; set; }

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}

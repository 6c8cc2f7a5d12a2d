using System.Collections.Immutable;
using LlamaSwap.AppHost.Dashboard.Otlp;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Metrics.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Trace.V1;

namespace LlamaSwap.AppHost.Dashboard.Telemetry;

/// <summary>
/// The dashboard's in-memory telemetry: traces, structured logs and metrics as received over OTLP,
/// within <see cref="TelemetryLimits"/>. The oldest data goes first (whole traces, single log records,
/// single metric points). One lock guards everything: exports arrive about once a second per service,
/// so contention is not a concern, and readers always see a consistent state.
/// </summary>
internal sealed class TelemetryRepository(TelemetryLimits limits)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TelemetryResourceKey, TelemetryResource> _resources = [];

    private readonly Dictionary<string, LinkedListNode<TraceEntry>> _traces = new(StringComparer.Ordinal);
    private readonly LinkedList<TraceEntry> _traceOrder = new();
    private int _spanCount;

    private readonly Queue<LogEntry> _logs = new();
    private long _nextLogId;

    private readonly Dictionary<(TelemetryResourceKey Resource, string Scope, string Name), InstrumentEntry> _instruments = [];

    private TelemetryVersions _versions = new(0, 0, 0, 0);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TelemetryRepository() : this(new TelemetryLimits())
    {
    }

    public TelemetryLimits Limits => limits;

    public TelemetryVersions Versions
    {
        get
        {
            lock (_gate)
                return _versions;
        }
    }

    /// <summary>Completes at the next change after <paramref name="seen"/> (at once if there already was one).</summary>
    public async Task<TelemetryVersions> WaitForChangeAsync(TelemetryVersions seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_versions != seen)
                    return _versions;
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <returns>The number of spans rejected (a single trace larger than the whole store).</returns>
    public int AddTraces(ExportTraceServiceRequest request)
    {
        var rejected = 0;
        lock (_gate)
        {
            foreach (var resourceSpans in request.ResourceSpans)
            {
                var resource = TrackResource(resourceSpans.Resource);
                foreach (var scopeSpans in resourceSpans.ScopeSpans)
                {
                    var scope = scopeSpans.Scope?.Name ?? "";
                    foreach (var span in scopeSpans.Spans)
                    {
                        if (!TryAddSpan(ToRecord(span, resource, scope)))
                            rejected++;
                    }
                }
            }
            Changed(_versions with { Traces = _versions.Traces + 1 });
        }
        return rejected;
    }

    public int AddLogs(ExportLogsServiceRequest request)
    {
        lock (_gate)
        {
            foreach (var resourceLogs in request.ResourceLogs)
            {
                var resource = TrackResource(resourceLogs.Resource);
                foreach (var scopeLogs in resourceLogs.ScopeLogs)
                {
                    var scope = scopeLogs.Scope?.Name ?? "";
                    foreach (var record in scopeLogs.LogRecords)
                    {
                        _logs.Enqueue(ToEntry(record, resource, scope));
                        if (_logs.Count > limits.MaxLogCount)
                            _logs.Dequeue();
                    }
                }
            }
            Changed(_versions with { Logs = _versions.Logs + 1 });
        }
        return 0;
    }

    /// <returns>Data points dropped because an instrument or series limit was reached.</returns>
    public int AddMetrics(ExportMetricsServiceRequest request)
    {
        var rejected = 0;
        lock (_gate)
        {
            foreach (var resourceMetrics in request.ResourceMetrics)
            {
                var resource = TrackResource(resourceMetrics.Resource);
                foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
                {
                    var scope = scopeMetrics.Scope?.Name ?? "";
                    foreach (var metric in scopeMetrics.Metrics)
                        rejected += AddMetric(resource, scope, metric);
                }
            }
            Changed(_versions with { Metrics = _versions.Metrics + 1 });
        }
        return rejected;
    }

    public IReadOnlyList<TelemetryResource> GetResources()
    {
        lock (_gate)
            return [.. _resources.Values.OrderBy(r => r.Key.ServiceName, StringComparer.Ordinal).ThenBy(r => r.Key.InstanceId, StringComparer.Ordinal)];
    }

    /// <summary>Traces, newest first (by start time).</summary>
    public IReadOnlyList<TraceSummary> GetTraces(TraceQuery query)
    {
        lock (_gate)
        {
            return _traceOrder
                .Where(t => query.Resource is null || t.Spans.Any(s => MatchesResource(s.Resource, query.Resource)))
                .Where(t => string.IsNullOrEmpty(query.Text) || t.Spans.Any(s => s.Name.Contains(query.Text, StringComparison.OrdinalIgnoreCase)))
                .Select(Summarize)
                .OrderByDescending(t => t.StartMs)
                .Take(Math.Max(1, query.Limit))
                .ToList();
        }
    }

    /// <summary>The spans of one trace ordered by start time, or null when the trace is unknown (or evicted).</summary>
    public IReadOnlyList<SpanRecord>? GetTrace(string traceId)
    {
        lock (_gate)
            return _traces.TryGetValue(traceId.ToLowerInvariant(), out var node) ? [.. node.Value.Spans.OrderBy(s => s.StartMs)] : null;
    }

    /// <summary>Log records, newest first.</summary>
    public IReadOnlyList<LogEntry> GetLogs(LogQuery query)
    {
        var minimum = query.MinimumLevel is { Length: > 0 } level ? OtlpSeverity.MinimumSeverity(level) ?? 0 : 0;
        lock (_gate)
        {
            return _logs.Reverse()
                .Where(l => query.Resource is null || MatchesResource(l.Resource, query.Resource))
                .Where(l => l.SeverityNumber >= minimum || (l.SeverityNumber == 0 && minimum <= 9))
                .Where(l => string.IsNullOrEmpty(query.TraceId) || string.Equals(l.TraceId, query.TraceId, StringComparison.OrdinalIgnoreCase))
                .Where(l => string.IsNullOrEmpty(query.Text) || ContainsText(l, query.Text))
                .Take(Math.Max(1, query.Limit))
                .ToList();
        }
    }

    public IReadOnlyList<MetricInstrumentInfo> GetInstruments(string? resource = null)
    {
        lock (_gate)
        {
            return _instruments.Values
                .Where(i => resource is null || MatchesResource(i.Resource, resource))
                .Select(i => i.Describe())
                .OrderBy(i => i.Resource.ServiceName, StringComparer.Ordinal).ThenBy(i => i.Scope, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>Every series of the instruments named <paramref name="name"/> of <paramref name="resource"/>, or null.</summary>
    public MetricInstrumentData? GetInstrument(string resource, string name, string? scope = null)
    {
        lock (_gate)
        {
            var matches = _instruments.Values
                .Where(i => MatchesResource(i.Resource, resource) && i.Name == name && (scope is null || i.Scope == scope))
                .ToList();
            if (matches.Count == 0)
                return null;
            return new MetricInstrumentData(
                matches[0].Describe(),
                [.. matches.SelectMany(i => i.Series.Values.Select(s => new MetricSeries(s.Attributes, [.. s.Points])))]);
        }
    }

    private static bool MatchesResource(TelemetryResourceKey key, string resource) =>
        key.ServiceName == resource || key.ToString() == resource;

    private static bool ContainsText(LogEntry entry, string text) =>
        entry.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
        || entry.Attributes.Any(a => a.Value.Contains(text, StringComparison.OrdinalIgnoreCase));

    private void Changed(TelemetryVersions versions)
    {
        _versions = versions;
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private TelemetryResourceKey TrackResource(Otlp.Proto.Resource.V1.Resource? resource)
    {
        var key = OtlpValues.ResourceKey(resource);
        if (!_resources.ContainsKey(key))
            _versions = _versions with { Resources = _versions.Resources + 1 };
        _resources[key] = new TelemetryResource(key, OtlpValues.Attributes(resource?.Attributes ?? [], limits));
        return key;
    }

    private bool TryAddSpan(SpanRecord span)
    {
        if (!_traces.TryGetValue(span.TraceId, out var node))
        {
            node = _traceOrder.AddLast(new TraceEntry(span.TraceId));
            _traces[span.TraceId] = node;
        }

        // Make room by dropping the oldest traces; a trace never evicts itself.
        while (_spanCount >= limits.MaxSpanCount && _traceOrder.First is { } oldest && oldest != node)
            RemoveTrace(oldest);
        if (_spanCount >= limits.MaxSpanCount)
            return false;

        // An exporter retry may send a span twice; the newer copy wins.
        var existing = node.Value.Spans.FindIndex(s => s.SpanId == span.SpanId);
        if (existing >= 0)
        {
            node.Value.Spans[existing] = span;
            return true;
        }
        node.Value.Spans.Add(span);
        _spanCount++;
        return true;
    }

    private void RemoveTrace(LinkedListNode<TraceEntry> node)
    {
        _traceOrder.Remove(node);
        _traces.Remove(node.Value.TraceId);
        _spanCount -= node.Value.Spans.Count;
    }

    private static TraceSummary Summarize(TraceEntry trace)
    {
        var spanIds = trace.Spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = trace.Spans
            .OrderBy(s => s.ParentSpanId.Length == 0 ? 0 : spanIds.Contains(s.ParentSpanId) ? 2 : 1)
            .ThenBy(s => s.StartMs)
            .First();
        var start = trace.Spans.Min(s => s.StartMs);
        var end = trace.Spans.Max(s => s.EndMs);
        return new TraceSummary(
            trace.TraceId, root.Name, root.Resource.ServiceName, start, Math.Max(0, end - start), trace.Spans.Count,
            trace.Spans.Count(s => s.Status == "error"),
            [.. trace.Spans.Select(s => s.Resource.ServiceName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    private SpanRecord ToRecord(Span span, TelemetryResourceKey resource, string scope) => new()
    {
        TraceId = OtlpValues.Hex(span.TraceId),
        SpanId = OtlpValues.Hex(span.SpanId),
        ParentSpanId = OtlpValues.Hex(span.ParentSpanId),
        Name = span.Name,
        Kind = span.Kind switch
        {
            Span.Types.SpanKind.Server => "server",
            Span.Types.SpanKind.Client => "client",
            Span.Types.SpanKind.Producer => "producer",
            Span.Types.SpanKind.Consumer => "consumer",
            _ => "internal",
        },
        Resource = resource,
        Scope = scope,
        StartMs = OtlpValues.Milliseconds(span.StartTimeUnixNano),
        EndMs = OtlpValues.Milliseconds(Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano)),
        Status = span.Status?.Code switch
        {
            Status.Types.StatusCode.Ok => "ok",
            Status.Types.StatusCode.Error => "error",
            _ => "unset",
        },
        StatusMessage = span.Status?.Message ?? "",
        Attributes = OtlpValues.Attributes(span.Attributes, limits),
        Events = [.. span.Events.Take(limits.MaxSpanEventCount).Select(e =>
            new SpanEvent(OtlpValues.Milliseconds(e.TimeUnixNano), e.Name, OtlpValues.Attributes(e.Attributes, limits)))],
    };

    private LogEntry ToEntry(Otlp.Proto.Logs.V1.LogRecord record, TelemetryResourceKey resource, string scope)
    {
        var severity = (int)record.SeverityNumber;
        var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
        return new LogEntry
        {
            Id = ++_nextLogId,
            Resource = resource,
            TimeMs = OtlpValues.Milliseconds(time),
            SeverityNumber = severity,
            Level = OtlpSeverity.Level(severity),
            Message = OtlpValues.Truncate(OtlpValues.Text(record.Body), limits.MaxAttributeLength * 4),
            Scope = scope,
            EventName = record.EventName,
            TraceId = OtlpValues.Hex(record.TraceId),
            SpanId = OtlpValues.Hex(record.SpanId),
            Attributes = OtlpValues.Attributes(record.Attributes, limits),
        };
    }

    private int AddMetric(TelemetryResourceKey resource, string scope, Metric metric)
    {
        var key = (resource, scope, metric.Name);
        if (!_instruments.TryGetValue(key, out var instrument))
        {
            if (_instruments.Count >= limits.MaxInstrumentCount)
                return 1;
            instrument = new InstrumentEntry(resource, scope, metric.Name);
            _instruments[key] = instrument;
        }
        instrument.Description = metric.Description;
        instrument.Unit = metric.Unit;

        var rejected = 0;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                instrument.Type = "gauge";
                foreach (var point in metric.Gauge.DataPoints)
                    rejected += instrument.Add(point.Attributes, NumberPoint(point), limits);
                break;
            case Metric.DataOneofCase.Sum:
                instrument.Type = "sum";
                instrument.IsMonotonic = metric.Sum.IsMonotonic;
                instrument.Temporality = Temporality(metric.Sum.AggregationTemporality);
                foreach (var point in metric.Sum.DataPoints)
                    rejected += instrument.Add(point.Attributes, NumberPoint(point), limits);
                break;
            case Metric.DataOneofCase.Histogram:
                instrument.Type = "histogram";
                instrument.Temporality = Temporality(metric.Histogram.AggregationTemporality);
                foreach (var point in metric.Histogram.DataPoints)
                    rejected += instrument.Add(point.Attributes, HistogramPoint(point), limits);
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                instrument.Type = "histogram";
                instrument.Temporality = Temporality(metric.ExponentialHistogram.AggregationTemporality);
                foreach (var point in metric.ExponentialHistogram.DataPoints)
                {
                    rejected += instrument.Add(point.Attributes, new MetricPoint
                    {
                        TimeMs = OtlpValues.Milliseconds(point.TimeUnixNano),
                        StartMs = OtlpValues.Milliseconds(point.StartTimeUnixNano),
                        Count = point.Count,
                        Sum = point.HasSum ? point.Sum : null,
                        Min = point.HasMin ? point.Min : null,
                        Max = point.HasMax ? point.Max : null,
                    }, limits);
                }
                break;
            case Metric.DataOneofCase.Summary:
                instrument.Type = "summary";
                foreach (var point in metric.Summary.DataPoints)
                {
                    rejected += instrument.Add(point.Attributes, new MetricPoint
                    {
                        TimeMs = OtlpValues.Milliseconds(point.TimeUnixNano),
                        StartMs = OtlpValues.Milliseconds(point.StartTimeUnixNano),
                        Count = point.Count,
                        Sum = point.Sum,
                    }, limits);
                }
                break;
        }
        return rejected;
    }

    private static string Temporality(AggregationTemporality temporality) => temporality switch
    {
        AggregationTemporality.Delta => "delta",
        AggregationTemporality.Cumulative => "cumulative",
        _ => "unspecified",
    };

    private static MetricPoint NumberPoint(NumberDataPoint point) => new()
    {
        TimeMs = OtlpValues.Milliseconds(point.TimeUnixNano),
        StartMs = OtlpValues.Milliseconds(point.StartTimeUnixNano),
        Value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble,
    };

    private static MetricPoint HistogramPoint(HistogramDataPoint point) => new()
    {
        TimeMs = OtlpValues.Milliseconds(point.TimeUnixNano),
        StartMs = OtlpValues.Milliseconds(point.StartTimeUnixNano),
        Count = point.Count,
        Sum = point.HasSum ? point.Sum : null,
        Min = point.HasMin ? point.Min : null,
        Max = point.HasMax ? point.Max : null,
        BucketCounts = [.. point.BucketCounts],
        ExplicitBounds = [.. point.ExplicitBounds],
    };

    private sealed class TraceEntry(string traceId)
    {
        public string TraceId { get; } = traceId;
        public List<SpanRecord> Spans { get; } = [];
    }

    private sealed class InstrumentEntry(TelemetryResourceKey resource, string scope, string name)
    {
        public TelemetryResourceKey Resource { get; } = resource;
        public string Scope { get; } = scope;
        public string Name { get; } = name;
        public string Description { get; set; } = "";
        public string Unit { get; set; } = "";
        public string Type { get; set; } = "gauge";
        public string Temporality { get; set; } = "unspecified";
        public bool IsMonotonic { get; set; }
        public Dictionary<string, SeriesEntry> Series { get; } = new(StringComparer.Ordinal);

        public MetricInstrumentInfo Describe() =>
            new(Resource, Scope, Name, Description, Unit, Type, Temporality, IsMonotonic, Series.Count);

        public int Add(IEnumerable<Otlp.Proto.Common.V1.KeyValue> attributes, MetricPoint point, TelemetryLimits limits)
        {
            var converted = OtlpValues.Attributes(attributes, limits).Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            var key = string.Join('\u001f', converted.Select(a => $"{a.Key}={a.Value}"));
            if (!Series.TryGetValue(key, out var series))
            {
                if (Series.Count >= limits.MaxSeriesPerInstrument)
                    return 1;
                series = new SeriesEntry(converted);
                Series[key] = series;
            }
            series.Points.Enqueue(point);
            if (series.Points.Count > limits.MaxPointsPerSeries)
                series.Points.Dequeue();
            return 0;
        }
    }

    private sealed class SeriesEntry(ImmutableArray<TelemetryAttribute> attributes)
    {
        public ImmutableArray<TelemetryAttribute> Attributes { get; } = attributes;
        public Queue<MetricPoint> Points { get; } = new();
    }
}

/// <summary>An instrument and all its series (one per attribute combination).</summary>
internal sealed record MetricInstrumentData(MetricInstrumentInfo Instrument, ImmutableArray<MetricSeries> Series);

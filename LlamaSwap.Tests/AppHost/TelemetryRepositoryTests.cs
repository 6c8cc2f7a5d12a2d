using Google.Protobuf;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Common.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Logs.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Metrics.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Trace.V1;
using LlamaSwap.AppHost.Dashboard.Telemetry;
using OtlpResource = LlamaSwap.AppHost.Dashboard.Otlp.Proto.Resource.V1.Resource;

namespace LlamaSwap.Tests.AppHost;

public sealed class TelemetryRepositoryTests
{
    private static OtlpResource Resource(string name, string? instance = null)
    {
        var resource = new OtlpResource { Attributes = { Attribute("service.name", name) } };
        if (instance is not null)
            resource.Attributes.Add(Attribute("service.instance.id", instance));
        return resource;
    }

    private static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static ByteString Id(int value, int length)
    {
        var bytes = new byte[length];
        BitConverter.GetBytes(value).CopyTo(bytes, length - 4);
        return ByteString.CopyFrom(bytes);
    }

    private static ExportTraceServiceRequest Trace(OtlpResource resource, int traceId, int spans, ulong start = 1_700_000_000_000_000_000)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "LlamaSwap.Proxy" } };
        for (var i = 0; i < spans; i++)
        {
            scope.Spans.Add(new Span
            {
                TraceId = Id(traceId, 16), SpanId = Id(i + 1, 8), ParentSpanId = i == 0 ? ByteString.Empty : Id(1, 8),
                Name = i == 0 ? "proxy request" : $"child {i}", StartTimeUnixNano = start + (ulong)i, EndTimeUnixNano = start + 1_000_000 * (ulong)(i + 1),
            });
        }
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } };
    }

    [Fact]
    public void TheOldestTracesAreDroppedWholeWhenTheSpanLimitIsReached()
    {
        var repository = new TelemetryRepository(new TelemetryLimits { MaxSpanCount = 10 });

        for (var trace = 1; trace <= 4; trace++)
            Assert.Equal(0, repository.AddTraces(Trace(Resource("proxy"), trace, spans: 3, start: 1_700_000_000_000_000_000 + (ulong)trace * 1_000_000_000)));

        var traces = repository.GetTraces(new TraceQuery());
        Assert.Equal(3, traces.Count);
        Assert.DoesNotContain(traces, t => t.TraceId.EndsWith("01", StringComparison.Ordinal));
        Assert.Null(repository.GetTrace(Convert.ToHexStringLower(Id(1, 16).Span)));
        Assert.Equal(9, traces.Sum(t => t.SpanCount));
        Assert.True(traces[0].StartMs > traces[1].StartMs, "newest first");
    }

    [Fact]
    public void ATraceLargerThanTheStoreIsCutAndTheRestReportedRejected()
    {
        var repository = new TelemetryRepository(new TelemetryLimits { MaxSpanCount = 5 });

        var rejected = repository.AddTraces(Trace(Resource("proxy"), 1, spans: 8));

        Assert.Equal(3, rejected);
        Assert.Equal(5, Assert.Single(repository.GetTraces(new TraceQuery())).SpanCount);
    }

    [Fact]
    public void ASpanSentTwiceIsKeptOnce()
    {
        var repository = new TelemetryRepository();
        repository.AddTraces(Trace(Resource("proxy"), 1, spans: 2));
        repository.AddTraces(Trace(Resource("proxy"), 1, spans: 2));

        Assert.Equal(2, Assert.Single(repository.GetTraces(new TraceQuery())).SpanCount);
    }

    [Fact]
    public void ATraceSpanningServicesIsSummarisedFromItsRoot()
    {
        var repository = new TelemetryRepository();
        var traceId = Id(7, 16);
        repository.AddTraces(new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans { Resource = Resource("supervisor"), ScopeSpans = { new ScopeSpans { Spans =
                {
                    new Span { TraceId = traceId, SpanId = Id(2, 8), ParentSpanId = Id(1, 8), Name = "swap", StartTimeUnixNano = 2_000_000, EndTimeUnixNano = 9_000_000, Status = new Status { Code = Status.Types.StatusCode.Error } },
                } } } },
                new ResourceSpans { Resource = Resource("proxy"), ScopeSpans = { new ScopeSpans { Spans =
                {
                    new Span { TraceId = traceId, SpanId = Id(1, 8), Name = "proxy request", StartTimeUnixNano = 1_000_000, EndTimeUnixNano = 11_000_000 },
                } } } },
            },
        });

        var summary = Assert.Single(repository.GetTraces(new TraceQuery()));
        Assert.Equal(("proxy request", "proxy", 2, 1), (summary.RootName, summary.RootService, summary.SpanCount, summary.ErrorCount));
        Assert.Equal(10.0, summary.DurationMs, 6);
        Assert.Equal(["proxy", "supervisor"], summary.Services);
        Assert.Single(repository.GetTraces(new TraceQuery { Resource = "supervisor" }));
        Assert.Single(repository.GetTraces(new TraceQuery { Text = "SWAP" }));
        Assert.Empty(repository.GetTraces(new TraceQuery { Text = "forward" }));
        Assert.Equal(["proxy request", "swap"], repository.GetTrace(summary.TraceId.ToUpperInvariant())!.Select(s => s.Name));
    }

    [Fact]
    public void LogsAreBoundedNewestFirstAndFilteredByResourceLevelTextAndTrace()
    {
        var repository = new TelemetryRepository(new TelemetryLimits { MaxLogCount = 4 });
        void Log(string service, SeverityNumber severity, string body, int trace = 0) => repository.AddLogs(new ExportLogsServiceRequest
        {
            ResourceLogs = { new ResourceLogs { Resource = Resource(service, "i1"), ScopeLogs = { new ScopeLogs { LogRecords =
            {
                new LogRecord { SeverityNumber = severity, Body = new AnyValue { StringValue = body }, TraceId = trace == 0 ? ByteString.Empty : Id(trace, 16),
                    Attributes = { Attribute("model", body.Split(' ')[0]) } },
            } } } } },
        });

        Log("proxy", SeverityNumber.Info, "dropped first");
        Log("proxy", SeverityNumber.Info, "qwen loaded", trace: 5);
        Log("supervisor", SeverityNumber.Warn, "llama slow");
        Log("supervisor", SeverityNumber.Error4, "llama crashed");
        Log("proxy", SeverityNumber.Debug, "embed request");

        Assert.Equal(["embed request", "llama crashed", "llama slow", "qwen loaded"], repository.GetLogs(new LogQuery()).Select(l => l.Message));
        Assert.Equal(["llama crashed", "llama slow"], repository.GetLogs(new LogQuery { Resource = "supervisor" }).Select(l => l.Message));
        Assert.Equal(["llama crashed", "llama slow"], repository.GetLogs(new LogQuery { Resource = "supervisor/i1" }).Select(l => l.Message));
        Assert.Equal(["llama crashed", "llama slow", "qwen loaded"], repository.GetLogs(new LogQuery { MinimumLevel = "information" }).Select(l => l.Message));
        Assert.Equal(["llama crashed"], repository.GetLogs(new LogQuery { MinimumLevel = "error" }).Select(l => l.Message));
        Assert.Equal(["llama crashed", "llama slow"], repository.GetLogs(new LogQuery { Text = "LLAMA" }).Select(l => l.Message));
        Assert.Equal(["qwen loaded"], repository.GetLogs(new LogQuery { TraceId = Convert.ToHexStringLower(Id(5, 16).Span) }).Select(l => l.Message));
        Assert.Equal(["embed request"], repository.GetLogs(new LogQuery { Limit = 1 }).Select(l => l.Message));
        Assert.Equal("error", repository.GetLogs(new LogQuery { MinimumLevel = "error" })[0].Level);
    }

    [Fact]
    public void MetricPointsAreBoundedPerSeriesAndSeriesPerInstrument()
    {
        var repository = new TelemetryRepository(new TelemetryLimits { MaxPointsPerSeries = 3, MaxSeriesPerInstrument = 2 });
        var rejected = 0;
        for (var i = 1; i <= 5; i++)
        {
            var gauge = new Gauge();
            foreach (var model in new[] { "a", "b", "c" })
                gauge.DataPoints.Add(new NumberDataPoint { AsDouble = i, TimeUnixNano = (ulong)i * 1_000_000_000, Attributes = { Attribute("model", model) } });
            rejected += repository.AddMetrics(new ExportMetricsServiceRequest
            {
                ResourceMetrics = { new ResourceMetrics { Resource = Resource("supervisor"), ScopeMetrics = { new ScopeMetrics
                {
                    Scope = new InstrumentationScope { Name = "LlamaSwap.Supervisor" },
                    Metrics = { new Metric { Name = "llamaswap.loaded_models", Unit = "{model}", Gauge = gauge } },
                } } } },
            });
        }

        Assert.Equal(5, rejected);
        var data = repository.GetInstrument("supervisor", "llamaswap.loaded_models")!;
        Assert.Equal(("gauge", "LlamaSwap.Supervisor", 2), (data.Instrument.Type, data.Instrument.Scope, data.Series.Length));
        Assert.All(data.Series, s => Assert.Equal([3.0, 4.0, 5.0], s.Points.Select(p => p.Value!.Value)));
        Assert.Null(repository.GetInstrument("proxy", "llamaswap.loaded_models"));
    }

    [Fact]
    public async Task WaitingForAChangeCompletesWhenDataArrives()
    {
        var repository = new TelemetryRepository();
        var seen = repository.Versions;
        var waiting = repository.WaitForChangeAsync(seen, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        repository.AddTraces(Trace(Resource("proxy"), 1, spans: 1));

        var versions = await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(seen.Traces + 1, versions.Traces);
        Assert.Equal(seen.Resources + 1, versions.Resources);
        Assert.Equal(new TelemetryResourceKey("proxy", ""), Assert.Single(repository.GetResources()).Key);
    }

    [Fact]
    public void ResourcesWithoutAServiceNameAreUnknownService()
    {
        var repository = new TelemetryRepository();
        repository.AddTraces(Trace(new OtlpResource(), 1, spans: 1));
        Assert.Equal("unknown_service", Assert.Single(repository.GetResources()).Key.ServiceName);
    }
}

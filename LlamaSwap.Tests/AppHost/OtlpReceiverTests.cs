using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using LlamaSwap.AppHost.Dashboard.Otlp;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Common.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Logs.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Trace.V1;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RpcStatus = LlamaSwap.AppHost.Dashboard.Otlp.Proto.Rpc.Status;

namespace LlamaSwap.Tests.AppHost;

/// <summary>The OTLP/HTTP receiver, fed by the real OpenTelemetry .NET exporter and by hand-made requests.</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private InProcessDashboard _dashboard = null!;

    public async ValueTask InitializeAsync() => _dashboard = await InProcessDashboard.StartAsync();

    public async ValueTask DisposeAsync() => await _dashboard.DisposeAsync();

    private void ConfigureExporter(OtlpExporterOptions options, string path)
    {
        options.Endpoint = new Uri(_dashboard.Url, path);
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.Headers = $"{OtlpHttpConstants.ApiKeyHeader}={InProcessDashboard.ApiKey}";
    }

    private static ResourceBuilder TestResource(string instance) =>
        ResourceBuilder.CreateEmpty().AddService("otlp-test", serviceInstanceId: instance);

    [Fact]
    public async Task SpansFromTheOpenTelemetrySdkArriveAsOneTraceWithParents()
    {
        var source = new ActivitySource("LlamaSwap.Tests.Otlp." + Guid.NewGuid().ToString("N"));
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(TestResource("sdk-traces"))
            .AddSource(source.Name)
            .AddOtlpExporter(o => ConfigureExporter(o, OtlpHttpConstants.TracesPath))
            .Build())
        {
            using (var request = source.StartActivity("proxy request", ActivityKind.Server))
            {
                request!.SetTag("gen_ai.request.model", "qwen");
                using (var child = source.StartActivity("acquire"))
                    child!.AddEvent(new ActivityEvent("queued"));
                using var failed = source.StartActivity("forward", ActivityKind.Client);
                failed!.SetStatus(ActivityStatusCode.Error, "upstream closed");
            }
            Assert.True(provider.ForceFlush(10_000), "the exporter did not flush");
        }

        var trace = Assert.Single(_dashboard.Telemetry.GetTraces(new() { Resource = "otlp-test" }));
        Assert.Equal("proxy request", trace.RootName);
        Assert.Equal(3, trace.SpanCount);
        Assert.Equal(1, trace.ErrorCount);
        var spans = _dashboard.Telemetry.GetTrace(trace.TraceId)!;
        var root = spans.Single(s => s.Name == "proxy request");
        Assert.Equal("", root.ParentSpanId);
        Assert.Equal("server", root.Kind);
        Assert.Contains(root.Attributes, a => a.Key == "gen_ai.request.model" && a.Value == "qwen");
        Assert.All(spans.Where(s => s != root), s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Equal("queued", Assert.Single(spans.Single(s => s.Name == "acquire").Events).Name);
        var forward = spans.Single(s => s.Name == "forward");
        Assert.Equal(("error", "upstream closed", "client"), (forward.Status, forward.StatusMessage, forward.Kind));
        Assert.Equal(new("otlp-test", "sdk-traces"), root.Resource);
        Assert.True(root.EndMs >= root.StartMs && root.StartMs > 1.6e12, $"times in ms since the epoch: {root.StartMs}..{root.EndMs}");
    }

    [Fact]
    public async Task LogsFromTheOpenTelemetrySdkArriveWithLevelAttributesAndTraceContext()
    {
        var source = new ActivitySource("LlamaSwap.Tests.OtlpLogs." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string traceId;
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(TestResource("sdk-logs"));
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => ConfigureExporter(e, OtlpHttpConstants.LogsPath));
        })))
        {
            var logger = factory.CreateLogger("LlamaSwap.Tests.Category");
            using (var activity = source.StartActivity("work"))
            {
                traceId = activity!.TraceId.ToHexString();
                logger.LogWarning("Model {Model} failed to load after {Attempts} attempts", "qwen", 3);
            }
            logger.LogInformation("all quiet");
        }

        var warning = Assert.Single(_dashboard.Telemetry.GetLogs(new() { Resource = "otlp-test", MinimumLevel = "warning" }));
        Assert.Equal("Model qwen failed to load after 3 attempts", warning.Message);
        Assert.Equal("warning", warning.Level);
        Assert.Equal(traceId, warning.TraceId);
        Assert.Equal("LlamaSwap.Tests.Category", warning.Scope);
        Assert.Contains(warning.Attributes, a => a.Key == "Model" && a.Value == "qwen");
        Assert.Equal(2, _dashboard.Telemetry.GetLogs(new() { Resource = "otlp-test" }).Count);
        Assert.Single(_dashboard.Telemetry.GetLogs(new() { Text = "QUIET" }));
        Assert.Single(_dashboard.Telemetry.GetLogs(new() { TraceId = traceId }));
    }

    [Fact]
    public async Task MetricsFromTheOpenTelemetrySdkArriveAsCountersAndHistograms()
    {
        using var meter = new Meter("LlamaSwap.Tests.OtlpMetrics." + Guid.NewGuid().ToString("N"));
        var requests = meter.CreateCounter<long>("llamaswap.requests", "{request}", "Requests by model");
        var duration = meter.CreateHistogram<double>("llamaswap.request.duration", "s");
        using (var provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(TestResource("sdk-metrics"))
            .AddMeter(meter.Name)
            .AddOtlpExporter(o => ConfigureExporter(o, OtlpHttpConstants.MetricsPath))
            .Build())
        {
            requests.Add(2, new KeyValuePair<string, object?>("model", "qwen"));
            requests.Add(1, new KeyValuePair<string, object?>("model", "llama"));
            duration.Record(0.2);
            duration.Record(3.0);
            Assert.True(provider.ForceFlush(10_000), "the exporter did not flush");
        }

        var instruments = _dashboard.Telemetry.GetInstruments("otlp-test");
        var counter = instruments.Single(i => i.Name == "llamaswap.requests");
        Assert.Equal(("sum", true, "cumulative", "{request}", "Requests by model", 2), (counter.Type, counter.IsMonotonic, counter.Temporality, counter.Unit, counter.Description, counter.SeriesCount));
        var series = _dashboard.Telemetry.GetInstrument("otlp-test", "llamaswap.requests")!.Series;
        Assert.Equal(2, series.Single(s => s.Attributes.Contains(new("model", "qwen"))).Points[^1].Value);

        var histogram = Assert.Single(_dashboard.Telemetry.GetInstrument("otlp-test", "llamaswap.request.duration")!.Series).Points[^1];
        Assert.Equal(2UL, histogram.Count);
        Assert.Equal(3.2, histogram.Sum!.Value, 6);
        Assert.Equal((0.2, 3.0), (histogram.Min, histogram.Max));
        Assert.Equal(histogram.ExplicitBounds.Length + 1, histogram.BucketCounts.Length);
    }

    [Fact]
    public async Task GzipBodiesAreAcceptedAndAnsweredWithAnExportResponse()
    {
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    Resource = new() { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "gzip-test" } } } },
                    ScopeLogs = { new ScopeLogs { LogRecords = { new LlamaSwap.AppHost.Dashboard.Otlp.Proto.Logs.V1.LogRecord { Body = new AnyValue { StringValue = "compressed" }, SeverityNumber = SeverityNumber.Error } } } },
                },
            },
        };
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            request.WriteTo(gzip);
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(OtlpHttpConstants.ProtobufContentType);
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await PostAsync(OtlpHttpConstants.LogsPath, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OtlpHttpConstants.ProtobufContentType, response.Content.Headers.ContentType?.MediaType);
        var reply = ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Null(reply.PartialSuccess);
        var entry = Assert.Single(_dashboard.Telemetry.GetLogs(new() { Resource = "gzip-test" }));
        Assert.Equal(("compressed", "error"), (entry.Message, entry.Level));
    }

    [Fact]
    public async Task AnEmptyRequestSucceeds()
    {
        using var response = await PostAsync(OtlpHttpConstants.TracesPath, Protobuf(new ExportTraceServiceRequest()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).PartialSuccess);
    }

    [Fact]
    public async Task OtherContentTypesAreRefusedWith415()
    {
        using var response = await PostAsync(OtlpHttpConstants.TracesPath, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var status = RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(OtlpHttpConstants.UnimplementedCode, status.Code);
        Assert.Contains("application/json", status.Message);
    }

    [Fact]
    public async Task BodiesOverFourMebibytesAreRefusedWith413EvenWhenCompressed()
    {
        var huge = new byte[OtlpHttpConstants.MaxRequestBytes + 1];
        using (var plain = await PostAsync(OtlpHttpConstants.TracesPath, Raw(huge)))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, plain.StatusCode);

        // Zeros compress to a few kilobytes: the limit applies after decompression.
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(huge);
        var content = Raw(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await PostAsync(OtlpHttpConstants.TracesPath, content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_dashboard.Telemetry.GetTraces(new()));
    }

    [Fact]
    public async Task UndecodableBodiesAreRefusedWith400()
    {
        using var response = await PostAsync(OtlpHttpConstants.MetricsPath, Raw([0x0A, 0xFF, 0xFF, 0xFF]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(OtlpHttpConstants.InvalidArgumentCode, status.Code);
        Assert.Contains("ExportMetricsServiceRequest", status.Message);
    }

    [Fact]
    public async Task ExportsWithoutTheApiKeyAreRefusedWith401()
    {
        using var http = new HttpClient { BaseAddress = _dashboard.Url };
        using var missing = await http.PostAsync(OtlpHttpConstants.TracesPath, Protobuf(SampleTrace()), TestContext.Current.CancellationToken);
        var wrongKey = Protobuf(SampleTrace());
        using var request = new HttpRequestMessage(HttpMethod.Post, OtlpHttpConstants.TracesPath) { Content = wrongKey };
        request.Headers.Add(OtlpHttpConstants.ApiKeyHeader, "not-the-key");
        using var wrong = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(_dashboard.Telemetry.GetTraces(new()));
    }

    private static ExportTraceServiceRequest SampleTrace() => new()
    {
        ResourceSpans =
        {
            new ResourceSpans
            {
                ScopeSpans = { new ScopeSpans { Spans = { new Span { Name = "s", TraceId = ByteString.CopyFrom(new byte[16] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }), SpanId = ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8) } } } },
            },
        },
    };

    private async Task<HttpResponseMessage> PostAsync(string path, HttpContent content)
    {
        using var http = new HttpClient { BaseAddress = _dashboard.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add(OtlpHttpConstants.ApiKeyHeader, InProcessDashboard.ApiKey);
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static ByteArrayContent Protobuf(IMessage message) => Raw(message.ToByteArray());

    private static ByteArrayContent Raw(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(OtlpHttpConstants.ProtobufContentType);
        return content;
    }
}

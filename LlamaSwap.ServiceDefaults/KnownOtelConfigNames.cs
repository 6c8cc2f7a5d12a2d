namespace LlamaSwap.ServiceDefaults;

/// <summary>The OpenTelemetry environment variables, with the values Aspire and the OTel SDK use.</summary>
public static class KnownOtelConfigNames
{
    public const string ExporterOtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ExporterOtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ExporterOtlpHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string BlrpScheduleDelay = "OTEL_BLRP_SCHEDULE_DELAY";
    public const string BspScheduleDelay = "OTEL_BSP_SCHEDULE_DELAY";
    public const string MetricExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string MetricsExemplarFilter = "OTEL_METRICS_EXEMPLAR_FILTER";
}

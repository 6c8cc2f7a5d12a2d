namespace LlamaSwap.AppHost.Dashboard.Otlp;

/// <summary>The OTLP/HTTP wire constants the receiver speaks (opentelemetry-proto docs/specification.md).</summary>
internal static class OtlpHttpConstants
{
    public const string TracesPath = "/v1/traces";
    public const string LogsPath = "/v1/logs";
    public const string MetricsPath = "/v1/metrics";

    public const string ProtobufContentType = "application/x-protobuf";
    public const string JsonContentType = "application/json";
    public const string GzipEncoding = "gzip";

    /// <summary>The header of Aspire's OTLP ApiKey mode, sent by services through OTEL_EXPORTER_OTLP_HEADERS.</summary>
    public const string ApiKeyHeader = "x-otlp-api-key";

    /// <summary>Largest request accepted after decompression (the Aspire dashboard's limit).</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>OTLP/HTTP exporters default to this protocol name in OTEL_EXPORTER_OTLP_PROTOCOL.</summary>
    public const string HttpProtobufProtocol = "http/protobuf";

    /// <summary>google.rpc.Code values used in error bodies.</summary>
    public const int InvalidArgumentCode = 3;
    public const int UnimplementedCode = 12;
    public const int ResourceExhaustedCode = 8;
    public const int UnauthenticatedCode = 16;
}

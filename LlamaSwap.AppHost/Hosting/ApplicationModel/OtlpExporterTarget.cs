namespace LlamaSwap.AppHost.Hosting.ApplicationModel;

/// <summary>
/// Where the services send telemetry: the dashboard's OTLP receiver, or (when the user set
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> for the AppHost) the user's own backend.
/// </summary>
/// <param name="Endpoint">Base URL, no <c>/v1/traces</c>: the SDK appends the signal path.</param>
/// <param name="Protocol"><c>http/protobuf</c>, <c>grpc</c>, or null for the SDK's default.</param>
/// <param name="Headers">OTEL_EXPORTER_OTLP_HEADERS (<c>x-otlp-api-key=…</c>), or null.</param>
/// <param name="IsUserProvided">True when the target came from the AppHost's environment.</param>
public sealed record OtlpExporterTarget(string Endpoint, string? Protocol, string? Headers, bool IsUserProvided);

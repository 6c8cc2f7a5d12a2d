using System.Text.Json.Serialization;

namespace LlamaSwap.Proxy.Activity;

/// <summary>An in-flight request as the UI receives it (llama-swap's field names).</summary>
internal sealed record InFlightEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("timestamp")] DateTime Timestamp,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("req_path")] string Path,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("req_headers")] IReadOnlyDictionary<string, string> RequestHeaders,
    [property: JsonPropertyName("remote_ip")] string RemoteIp,
    [property: JsonPropertyName("resp_headers")] IReadOnlyDictionary<string, string> ResponseHeaders,
    [property: JsonPropertyName("resp_bytes")] long ResponseBytes,
    [property: JsonPropertyName("elapsed_ms")] long ElapsedMs,
    [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata);

/// <summary>The <c>inflight</c> event payload: a full snapshot, one upserted request, or a removed id.</summary>
internal sealed record InFlightUpdate(
    [property: JsonPropertyName("operation")] string Operation,
    [property: JsonPropertyName("requests"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InFlightEntry>? Requests = null,
    [property: JsonPropertyName("request"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] InFlightEntry? Request = null,
    [property: JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null)
{
    public const string Snapshot = "snapshot";
    public const string Upsert = "upsert";
    public const string Remove = "remove";
}

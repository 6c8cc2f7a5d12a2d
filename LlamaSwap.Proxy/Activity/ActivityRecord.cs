using System.Text.Json.Serialization;

namespace LlamaSwap.Proxy.Activity;

/// <summary>One finished request in the activity log.</summary>
/// <param name="Timestamp">When the request started (UTC).</param>
/// <param name="TtfbMs">Time to the first response byte; -1 when no byte was sent.</param>
internal sealed record ActivityRecord(
    long Id,
    DateTimeOffset Timestamp,
    string Model,
    string Path,
    string ContentType,
    int StatusCode,
    ActivityTokens Tokens,
    long DurationMs,
    long TtfbMs,
    string? ErrorMessage,
    IReadOnlyDictionary<string, string>? Metadata)
{
    public ActivityRow ToRow(bool hasCapture) => new(
        Id,
        DateTimeOffset.FromUnixTimeSeconds(Timestamp.ToUnixTimeSeconds()).UtcDateTime,
        Model,
        Path,
        ContentType,
        StatusCode,
        Tokens,
        DurationMs,
        TtfbMs,
        hasCapture,
        string.IsNullOrEmpty(ErrorMessage) ? null : ErrorMessage,
        Metadata is { Count: > 0 } ? Metadata : null);
}

/// <summary>An activity row as the API returns it (llama-swap's fields, plus <c>ttfb_ms</c>).</summary>
internal sealed record ActivityRow(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("timestamp")] DateTime Timestamp,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("req_path")] string Path,
    [property: JsonPropertyName("resp_content_type")] string ContentType,
    [property: JsonPropertyName("resp_status_code")] int StatusCode,
    [property: JsonPropertyName("tokens")] ActivityTokens Tokens,
    [property: JsonPropertyName("duration_ms")] long DurationMs,
    [property: JsonPropertyName("ttfb_ms")] long TtfbMs,
    [property: JsonPropertyName("has_capture")] bool HasCapture,
    [property: JsonPropertyName("error_msg"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorMessage,
    [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata);

internal sealed record ActivityPage(
    [property: JsonPropertyName("data")] IReadOnlyList<ActivityRow> Data,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("total_pages")] int TotalPages);

using System.Text.Json.Serialization;

namespace LlamaSwap.Tests.Ui.Fakes;

internal sealed record FakeTokens(
    [property: JsonPropertyName("cache_tokens")] int CacheTokens,
    [property: JsonPropertyName("draft_tokens")] int DraftTokens,
    [property: JsonPropertyName("draft_acc_tokens")] int DraftAcceptedTokens,
    [property: JsonPropertyName("input_tokens")] int InputTokens,
    [property: JsonPropertyName("output_tokens")] int OutputTokens,
    [property: JsonPropertyName("prompt_per_second")] double PromptPerSecond,
    [property: JsonPropertyName("tokens_per_second")] double TokensPerSecond);

internal sealed record FakeActivityRow(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("req_path")] string RequestPath,
    [property: JsonPropertyName("resp_content_type")] string ContentType,
    [property: JsonPropertyName("resp_status_code")] int Status,
    [property: JsonPropertyName("tokens")] FakeTokens Tokens,
    [property: JsonPropertyName("duration_ms")] long DurationMs,
    [property: JsonPropertyName("ttfb_ms")] long TtfbMs,
    [property: JsonPropertyName("has_capture")] bool HasCapture,
    [property: JsonPropertyName("error_msg"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

internal sealed record FakeCapture(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("req_path")] string RequestPath,
    [property: JsonPropertyName("req_headers")] Dictionary<string, string> RequestHeaders,
    [property: JsonPropertyName("req_body")] byte[] RequestBody,
    [property: JsonPropertyName("resp_headers")] Dictionary<string, string> ResponseHeaders,
    [property: JsonPropertyName("resp_body")] byte[] ResponseBody);

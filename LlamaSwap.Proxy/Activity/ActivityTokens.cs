using System.Text.Json.Serialization;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Token counts and speeds of one request. Unknown cache and draft counts and unknown speeds are -1;
/// unknown input and output counts are 0 (llama-swap's conventions, which the UI relies on).
/// </summary>
internal sealed record ActivityTokens(
    [property: JsonPropertyName("cache_tokens")] long CacheTokens = -1,
    [property: JsonPropertyName("draft_tokens")] long DraftTokens = -1,
    [property: JsonPropertyName("draft_acc_tokens")] long DraftAcceptedTokens = -1,
    [property: JsonPropertyName("input_tokens")] long InputTokens = 0,
    [property: JsonPropertyName("output_tokens")] long OutputTokens = 0,
    [property: JsonPropertyName("prompt_per_second")] double PromptPerSecond = -1,
    [property: JsonPropertyName("tokens_per_second")] double TokensPerSecond = -1)
{
    public static ActivityTokens Unknown { get; } = new();
}

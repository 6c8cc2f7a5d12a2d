using System.Text.Json;

namespace LlamaSwap.Simulator.OpenAi;

/// <summary>OpenAI wire names, pre-encoded for the streaming path.</summary>
internal static class OpenAiWire
{
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Object = JsonEncodedText.Encode("object");
    public static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText SystemFingerprint = JsonEncodedText.Encode("system_fingerprint");
    public static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices");
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    public static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    public static readonly JsonEncodedText Logprobs = JsonEncodedText.Encode("logprobs");
    public static readonly JsonEncodedText FinishReason = JsonEncodedText.Encode("finish_reason");
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    public static readonly JsonEncodedText PromptTokens = JsonEncodedText.Encode("prompt_tokens");
    public static readonly JsonEncodedText CompletionTokens = JsonEncodedText.Encode("completion_tokens");
    public static readonly JsonEncodedText TotalTokens = JsonEncodedText.Encode("total_tokens");

    public static readonly JsonEncodedText Assistant = JsonEncodedText.Encode("assistant");
    public static readonly JsonEncodedText ChatCompletion = JsonEncodedText.Encode("chat.completion");
    public static readonly JsonEncodedText ChatCompletionChunk = JsonEncodedText.Encode("chat.completion.chunk");
    public static readonly JsonEncodedText TextCompletion = JsonEncodedText.Encode("text_completion");
    public static readonly JsonEncodedText Stop = JsonEncodedText.Encode("stop");
    public static readonly JsonEncodedText Length = JsonEncodedText.Encode("length");
    public static readonly JsonEncodedText EmptyText = JsonEncodedText.Encode(string.Empty);

    public const string ChatCompletionIdPrefix = "chatcmpl-";
    public const string CompletionIdPrefix = "cmpl-";
    public const string ResponseIdPrefix = "resp_";
    public const string MessageIdPrefix = "msg_";

    /// <summary>Request fields that cap the response length, in the order they are looked for.</summary>
    public static readonly string[] ChatTokenCaps = ["max_completion_tokens", "max_tokens", "n_predict"];
    public static readonly string[] CompletionTokenCaps = ["max_tokens", "n_predict"];
    public static readonly string[] ResponsesTokenCaps = ["max_output_tokens"];

    public static JsonEncodedText FinishReasonOf(bool hitLimit) => hitLimit ? Length : Stop;
}

using System.Text.Json;

namespace LlamaSwap.Simulator.Anthropic;

/// <summary>Anthropic Messages API wire names, pre-encoded for the streaming path.</summary>
internal static class AnthropicWire
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    public static readonly JsonEncodedText InputTokens = JsonEncodedText.Encode("input_tokens");
    public static readonly JsonEncodedText OutputTokens = JsonEncodedText.Encode("output_tokens");

    public static readonly JsonEncodedText MessageStart = JsonEncodedText.Encode("message_start");
    public static readonly JsonEncodedText ContentBlockStart = JsonEncodedText.Encode("content_block_start");
    public static readonly JsonEncodedText Ping = JsonEncodedText.Encode("ping");
    public static readonly JsonEncodedText ContentBlockDelta = JsonEncodedText.Encode("content_block_delta");
    public static readonly JsonEncodedText ContentBlockStop = JsonEncodedText.Encode("content_block_stop");
    public static readonly JsonEncodedText MessageDelta = JsonEncodedText.Encode("message_delta");
    public static readonly JsonEncodedText MessageStop = JsonEncodedText.Encode("message_stop");
    public static readonly JsonEncodedText TextDelta = JsonEncodedText.Encode("text_delta");

    public static readonly JsonEncodedText EndTurn = JsonEncodedText.Encode("end_turn");
    public static readonly JsonEncodedText MaxTokens = JsonEncodedText.Encode("max_tokens");

    public const string MessageIdPrefix = "msg_";

    public static readonly string[] TokenCaps = ["max_tokens"];

    public static JsonEncodedText StopReasonOf(bool hitLimit) => hitLimit ? MaxTokens : EndTurn;
}

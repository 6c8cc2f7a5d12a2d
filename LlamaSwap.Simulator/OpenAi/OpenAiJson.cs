using System.Text.Json;

namespace LlamaSwap.Simulator.OpenAi;

/// <summary>Pieces shared by the chat and text completion bodies.</summary>
internal static class OpenAiJson
{
    public static void WriteUsage(Utf8JsonWriter writer, int promptTokens, int completionTokens)
    {
        writer.WriteStartObject(OpenAiWire.Usage);
        writer.WriteNumber(OpenAiWire.PromptTokens, promptTokens);
        writer.WriteNumber(OpenAiWire.CompletionTokens, completionTokens);
        writer.WriteNumber(OpenAiWire.TotalTokens, promptTokens + completionTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The fields every completion object and chunk starts with.</summary>
    public static void WriteHeader(Utf8JsonWriter writer, in CompletionHeader header)
    {
        writer.WriteString(OpenAiWire.Id, header.Id);
        writer.WriteString(OpenAiWire.Object, header.Object);
        writer.WriteNumber(OpenAiWire.Created, header.Created);
        writer.WriteString(OpenAiWire.Model, header.Model);
        writer.WriteString(OpenAiWire.SystemFingerprint, header.Fingerprint);
    }
}

/// <summary>Per-response values repeated in every chunk, encoded once.</summary>
internal readonly record struct CompletionHeader(JsonEncodedText Id, JsonEncodedText Object, long Created, JsonEncodedText Model, JsonEncodedText Fingerprint);

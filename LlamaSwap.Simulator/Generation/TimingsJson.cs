using System.Text.Json;

namespace LlamaSwap.Simulator.Generation;

/// <summary>Writes llama-server's <c>timings</c> object, which LlamaSwap's activity log reads.</summary>
internal static class TimingsJson
{
    private static readonly JsonEncodedText TimingsName = JsonEncodedText.Encode("timings");

    public static void Write(Utf8JsonWriter writer, in Timings timings)
    {
        writer.WriteStartObject(TimingsName);
        writer.WriteNumber("cache_n"u8, 0);
        writer.WriteNumber("prompt_n"u8, timings.PromptN);
        writer.WriteNumber("prompt_ms"u8, Math.Round(timings.PromptMs, 3));
        writer.WriteNumber("prompt_per_token_ms"u8, Math.Round(timings.PromptPerTokenMs, 3));
        writer.WriteNumber("prompt_per_second"u8, Math.Round(timings.PromptPerSecond, 3));
        writer.WriteNumber("predicted_n"u8, timings.PredictedN);
        writer.WriteNumber("predicted_ms"u8, Math.Round(timings.PredictedMs, 3));
        writer.WriteNumber("predicted_per_token_ms"u8, Math.Round(timings.PredictedPerTokenMs, 3));
        writer.WriteNumber("predicted_per_second"u8, Math.Round(timings.PredictedPerSecond, 3));
        writer.WriteEndObject();
    }
}

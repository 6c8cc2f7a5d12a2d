using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary>OpenAI's images response: <c>{"created","data":[{"b64_json"|"url","revised_prompt"}]}</c>.</summary>
internal static class ImageResponse
{
    public const int MaxImages = 10;

    public static Task WriteAsync(SimulatorCall call, string prompt, int count, bool asUrl)
    {
        if (count is < 1 or > MaxImages)
            throw SimulatorRequestException.BadRequest($"'n' must be between 1 and {MaxImages}, not {count}", "n");
        return JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, prompt, count, asUrl), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("created"u8, s.call.Runtime.UnixNow());
            writer.WriteStartArray("data"u8);
            for (var i = 0; i < s.count; i++)
            {
                var png = PngImage.Create(EmbeddingVector.Fnv1a($"{s.prompt}\n{i}"));
                writer.WriteStartObject();
                if (s.asUrl)
                    writer.WriteString("url"u8, "data:image/png;base64," + Convert.ToBase64String(png));
                else
                    writer.WriteBase64String("b64_json"u8, png);
                writer.WriteString("revised_prompt"u8, s.prompt);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            s.call.WriteSimulatorProperties(writer);
            writer.WriteEndObject();
        });
    }
}

using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary>
/// stable-diffusion webui API, <c>POST /sdapi/v1/txt2img</c> and <c>/sdapi/v1/img2img</c>:
/// <c>{"images":[base64 PNG × batch_size],"parameters":{…the request…},"info":"{…}","model"}</c>.
/// </summary>
internal sealed class StableDiffusionEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        var prompt = RequestFields.OptionalString(root, "prompt") ?? "";
        var count = RequestFields.OptionalInt(root, "batch_size") ?? 1;
        if (count is < 1 or > ImageResponse.MaxImages)
            throw SimulatorRequestException.BadRequest($"'batch_size' must be between 1 and {ImageResponse.MaxImages}, not {count}", "batch_size");

        return JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, root, prompt, count), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("images"u8);
            for (var i = 0; i < s.count; i++)
                writer.WriteBase64StringValue(PngImage.Create(EmbeddingVector.Fnv1a($"{s.prompt}\n{i}")));
            writer.WriteEndArray();
            writer.WritePropertyName("parameters"u8);
            s.root.WriteTo(writer);
            writer.WriteString("info"u8, JsonSerializer.Serialize(new Dictionary<string, string> { ["prompt"] = s.prompt }));
            writer.WriteString("model"u8, s.call.ResponseModel);
            s.call.WriteSimulatorProperties(writer);
            writer.WriteEndObject();
        });
    }
}

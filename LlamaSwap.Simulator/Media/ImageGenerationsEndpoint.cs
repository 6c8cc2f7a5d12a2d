using System.Text.Json;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary>
/// <c>POST /v1/images/generations</c>: <c>n</c> tiny PNGs coloured by the prompt, as <c>b64_json</c> or, with
/// <c>response_format: "url"</c>, as data URLs (the simulator hosts no files).
/// </summary>
internal sealed class ImageGenerationsEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        var prompt = RequestFields.OptionalString(root, "prompt")
            ?? throw SimulatorRequestException.BadRequest("'prompt' is required", "prompt");
        var count = RequestFields.OptionalInt(root, "n") ?? 1;
        var asUrl = RequestFields.OptionalString(root, "response_format") == "url";
        return ImageResponse.WriteAsync(call, prompt, count, asUrl);
    }
}

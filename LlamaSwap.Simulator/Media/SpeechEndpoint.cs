using System.Text.Json;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary><c>POST /v1/audio/speech</c>: needs <c>input</c>; answers a short WAV whatever format was asked.</summary>
internal sealed class SpeechEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    private static readonly byte[] Wav = WavAudio.Create();

    protected override async Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        if (RequestFields.OptionalString(root, "input") is null)
            throw SimulatorRequestException.BadRequest("'input' is required", "input");
        var response = call.Context.Response;
        response.ContentType = ContentTypes.Wav;
        response.ContentLength = Wav.Length;
        await response.Body.WriteAsync(Wav, call.Cancellation);
    }
}

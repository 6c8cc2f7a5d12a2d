using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.LlamaServer;

/// <summary>
/// llama-server's native <c>POST /completion</c> and <c>POST /infill</c>: <c>content</c>, token counts,
/// stop type and <c>timings</c>. Streamed as <c>data:</c> events with one token's <c>content</c> each and a
/// final <c>stop: true</c> event with timings; like llama-server, no <c>[DONE]</c> marker follows.
/// </summary>
internal sealed class CompletionEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    private static readonly string[] TokenCaps = ["n_predict", "max_tokens"];
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText Stop = JsonEncodedText.Encode("stop");
    private static readonly JsonEncodedText TokensPredicted = JsonEncodedText.Encode("tokens_predicted");
    private static readonly JsonEncodedText TokensEvaluated = JsonEncodedText.Encode("tokens_evaluated");

    protected override bool SupportsStreaming => true;

    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        var cap = RequestFields.TokenCap(root, TokenCaps);
        var run = call.StartGeneration(cap, PromptDigest.Of(root));
        return call.Stream ? StreamAsync(call, run) : RespondWholeAsync(call, run);
    }

    private static async Task RespondWholeAsync(SimulatorCall call, GenerationRun run)
    {
        await run.RunToEndAsync(call.Cancellation);
        var timings = run.Complete();
        await JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, run, timings), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteString(Content, s.run.FullText());
            WriteFinalFields(writer, s.call, s.run, s.timings);
            writer.WriteEndObject();
        });
    }

    private static async Task StreamAsync(SimulatorCall call, GenerationRun run)
    {
        using var sse = SseWriter.Start(call.Context, call.Cancellation);
        Utf8JsonWriter writer;
        for (var i = 0; i < run.Count; i++)
        {
            await run.WaitForTokenAsync(i, call.Cancellation);
            writer = sse.BeginData();
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, 0);
            writer.WriteString(Content, run.Token(i));
            writer.WriteBoolean(Stop, false);
            writer.WriteNumber("id_slot"u8, 0);
            writer.WriteNumber(TokensPredicted, i + 1);
            writer.WriteNumber(TokensEvaluated, run.Plan.PromptTokens);
            writer.WriteEndObject();
            await sse.EndEventAsync();
            run.TokenEmitted();
        }

        var timings = run.Complete();
        writer = sse.BeginData();
        writer.WriteStartObject();
        writer.WriteString(Content, string.Empty);
        WriteFinalFields(writer, call, run, timings);
        writer.WriteEndObject();
        await sse.EndEventAsync();
    }

    private static void WriteFinalFields(Utf8JsonWriter writer, SimulatorCall call, GenerationRun run, in Timings timings)
    {
        writer.WriteNumber("index"u8, 0);
        writer.WriteNumber("id_slot"u8, 0);
        writer.WriteBoolean(Stop, true);
        writer.WriteString("model"u8, call.ResponseModel);
        writer.WriteNumber(TokensPredicted, run.Emitted);
        writer.WriteNumber(TokensEvaluated, run.Plan.PromptTokens);
        writer.WriteNumber("tokens_cached"u8, 0);
        writer.WriteBoolean("truncated"u8, false);
        writer.WriteString("stop_type"u8, run.Plan.HitLimit ? "limit"u8 : "eos"u8);
        writer.WriteString("stopping_word"u8, ""u8);
        TimingsJson.Write(writer, timings);
        call.WriteSimulatorProperties(writer);
    }
}

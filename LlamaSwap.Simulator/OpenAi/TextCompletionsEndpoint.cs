using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.OpenAi;

/// <summary>
/// <c>POST /v1/completions</c> (legacy text completions): <c>text_completion</c> objects, streamed one token
/// per chunk with the same ending as chat (finish chunk with timings, optional usage chunk, <c>[DONE]</c>).
/// </summary>
internal sealed class TextCompletionsEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    protected override bool SupportsStreaming => true;

    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        var cap = RequestFields.TokenCap(root, OpenAiWire.CompletionTokenCaps);
        var includeUsage = RequestFields.IncludeUsage(root);
        var run = call.StartGeneration(cap, PromptDigest.Of(root));
        var header = new CompletionHeader(
            JsonEncodedText.Encode(Runtime.NextId(OpenAiWire.CompletionIdPrefix)),
            OpenAiWire.TextCompletion,
            Runtime.UnixNow(),
            JsonEncodedText.Encode(call.ResponseModel),
            Runtime.Identity.Fingerprint);
        return call.Stream ? StreamAsync(call, run, header, includeUsage) : RespondWholeAsync(call, run, header);
    }

    private static async Task RespondWholeAsync(SimulatorCall call, GenerationRun run, CompletionHeader header)
    {
        await run.RunToEndAsync(call.Cancellation);
        var timings = run.Complete();
        await JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, run, header, timings), static (writer, s) =>
        {
            writer.WriteStartObject();
            OpenAiJson.WriteHeader(writer, s.header);
            writer.WriteStartArray(OpenAiWire.Choices);
            WriteChoice(writer, s.run.FullText(), OpenAiWire.FinishReasonOf(s.run.Plan.HitLimit));
            writer.WriteEndArray();
            OpenAiJson.WriteUsage(writer, s.run.Plan.PromptTokens, s.run.Emitted);
            TimingsJson.Write(writer, s.timings);
            s.call.WriteSimulatorProperties(writer);
            writer.WriteEndObject();
        });
    }

    private static async Task StreamAsync(SimulatorCall call, GenerationRun run, CompletionHeader header, bool includeUsage)
    {
        using var sse = SseWriter.Start(call.Context, call.Cancellation);
        Utf8JsonWriter writer;
        for (var i = 0; i < run.Count; i++)
        {
            await run.WaitForTokenAsync(i, call.Cancellation);
            writer = sse.BeginData();
            writer.WriteStartObject();
            OpenAiJson.WriteHeader(writer, header);
            writer.WriteStartArray(OpenAiWire.Choices);
            WriteChoice(writer, run.Token(i), null);
            writer.WriteEndArray();
            writer.WriteEndObject();
            await sse.EndEventAsync();
            run.TokenEmitted();
        }

        var timings = run.Complete();
        writer = sse.BeginData();
        writer.WriteStartObject();
        OpenAiJson.WriteHeader(writer, header);
        writer.WriteStartArray(OpenAiWire.Choices);
        WriteChoice(writer, OpenAiWire.EmptyText, OpenAiWire.FinishReasonOf(run.Plan.HitLimit));
        writer.WriteEndArray();
        TimingsJson.Write(writer, timings);
        call.WriteSimulatorProperties(writer);
        writer.WriteEndObject();
        await sse.EndEventAsync();

        if (includeUsage)
        {
            writer = sse.BeginData();
            writer.WriteStartObject();
            OpenAiJson.WriteHeader(writer, header);
            writer.WriteStartArray(OpenAiWire.Choices);
            writer.WriteEndArray();
            OpenAiJson.WriteUsage(writer, run.Plan.PromptTokens, run.Emitted);
            writer.WriteEndObject();
            await sse.EndEventAsync();
        }

        await sse.WriteDoneAsync();
    }

    private static void WriteChoice(Utf8JsonWriter writer, JsonEncodedText text, JsonEncodedText? finishReason)
    {
        writer.WriteStartObject();
        writer.WriteString(OpenAiWire.Text, text);
        writer.WriteNumber(OpenAiWire.Index, 0);
        writer.WriteNull(OpenAiWire.Logprobs);
        if (finishReason is { } reason)
            writer.WriteString(OpenAiWire.FinishReason, reason);
        else
            writer.WriteNull(OpenAiWire.FinishReason);
        writer.WriteEndObject();
    }

    private static void WriteChoice(Utf8JsonWriter writer, string text, JsonEncodedText finishReason) =>
        WriteChoice(writer, JsonEncodedText.Encode(text, JsonResponse.WriterOptions.Encoder), finishReason);
}

using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>. Streams OpenAI chunks (role first, one chunk per token, a final chunk
/// with finish_reason and llama-server timings, a usage chunk when <c>stream_options.include_usage</c>, then
/// <c>[DONE]</c>), or answers one <c>chat.completion</c> object with usage and timings.
/// </summary>
internal sealed class ChatCompletionsEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    protected override bool SupportsStreaming => true;

    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        var cap = RequestFields.TokenCap(root, OpenAiWire.ChatTokenCaps);
        var includeUsage = RequestFields.IncludeUsage(root);
        var run = call.StartGeneration(cap, PromptDigest.Of(root));
        var header = new CompletionHeader(
            JsonEncodedText.Encode(Runtime.NextId(OpenAiWire.ChatCompletionIdPrefix)),
            call.Stream ? OpenAiWire.ChatCompletionChunk : OpenAiWire.ChatCompletion,
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
            writer.WriteStartObject();
            writer.WriteNumber(OpenAiWire.Index, 0);
            writer.WriteStartObject(OpenAiWire.Message);
            writer.WriteString(OpenAiWire.Role, OpenAiWire.Assistant);
            writer.WriteString(OpenAiWire.Content, s.run.FullText());
            writer.WriteEndObject();
            writer.WriteNull(OpenAiWire.Logprobs);
            writer.WriteString(OpenAiWire.FinishReason, OpenAiWire.FinishReasonOf(s.run.Plan.HitLimit));
            writer.WriteEndObject();
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

        var writer = BeginChunk(sse, header);
        writer.WriteStartObject(OpenAiWire.Delta);
        writer.WriteString(OpenAiWire.Role, OpenAiWire.Assistant);
        writer.WriteString(OpenAiWire.Content, string.Empty);
        writer.WriteEndObject();
        writer.WriteNull(OpenAiWire.FinishReason);
        await EndChunkAsync(sse, writer);

        for (var i = 0; i < run.Count; i++)
        {
            await run.WaitForTokenAsync(i, call.Cancellation);
            writer = BeginChunk(sse, header);
            writer.WriteStartObject(OpenAiWire.Delta);
            writer.WriteString(OpenAiWire.Content, run.Token(i));
            writer.WriteEndObject();
            writer.WriteNull(OpenAiWire.FinishReason);
            await EndChunkAsync(sse, writer);
            run.TokenEmitted();
        }

        var timings = run.Complete();
        writer = BeginChunk(sse, header);
        writer.WriteStartObject(OpenAiWire.Delta);
        writer.WriteEndObject();
        writer.WriteString(OpenAiWire.FinishReason, OpenAiWire.FinishReasonOf(run.Plan.HitLimit));
        writer.WriteEndObject();
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

    /// <summary>Opens a chunk up to inside its single choice.</summary>
    private static Utf8JsonWriter BeginChunk(SseWriter sse, in CompletionHeader header)
    {
        var writer = sse.BeginData();
        writer.WriteStartObject();
        OpenAiJson.WriteHeader(writer, header);
        writer.WriteStartArray(OpenAiWire.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(OpenAiWire.Index, 0);
        writer.WriteNull(OpenAiWire.Logprobs);
        return writer;
    }

    private static ValueTask EndChunkAsync(SseWriter sse, Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        return sse.EndEventAsync();
    }
}

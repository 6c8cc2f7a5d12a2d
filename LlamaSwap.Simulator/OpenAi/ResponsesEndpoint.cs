using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.OpenAi;

/// <summary>
/// <c>POST /v1/responses</c> (OpenAI Responses API): a <c>response</c> object with one assistant message, or
/// its event stream — <c>response.created</c>, <c>response.in_progress</c>, output item and content part
/// added, one <c>response.output_text.delta</c> per token, the matching done events, then
/// <c>response.completed</c> carrying the full response and its usage.
/// </summary>
internal sealed class ResponsesEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    private static readonly JsonEncodedText Created = JsonEncodedText.Encode("response.created");
    private static readonly JsonEncodedText InProgress = JsonEncodedText.Encode("response.in_progress");
    private static readonly JsonEncodedText ItemAdded = JsonEncodedText.Encode("response.output_item.added");
    private static readonly JsonEncodedText PartAdded = JsonEncodedText.Encode("response.content_part.added");
    private static readonly JsonEncodedText TextDelta = JsonEncodedText.Encode("response.output_text.delta");
    private static readonly JsonEncodedText TextDone = JsonEncodedText.Encode("response.output_text.done");
    private static readonly JsonEncodedText PartDone = JsonEncodedText.Encode("response.content_part.done");
    private static readonly JsonEncodedText ItemDone = JsonEncodedText.Encode("response.output_item.done");
    private static readonly JsonEncodedText Completed = JsonEncodedText.Encode("response.completed");
    private static readonly JsonEncodedText Incomplete = JsonEncodedText.Encode("response.incomplete");

    protected override bool SupportsStreaming => true;

    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        var cap = RequestFields.TokenCap(root, OpenAiWire.ResponsesTokenCaps);
        var run = call.StartGeneration(cap, PromptDigest.Of(root));
        var ids = new ResponseIds(
            JsonEncodedText.Encode(Runtime.NextId(OpenAiWire.ResponseIdPrefix)),
            JsonEncodedText.Encode(Runtime.NextId(OpenAiWire.MessageIdPrefix)),
            Runtime.UnixNow(),
            JsonEncodedText.Encode(call.ResponseModel));
        return call.Stream ? StreamAsync(call, run, ids) : RespondWholeAsync(call, run, ids);
    }

    private static async Task RespondWholeAsync(SimulatorCall call, GenerationRun run, ResponseIds ids)
    {
        await run.RunToEndAsync(call.Cancellation);
        run.Complete();
        await JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, run, ids), static (writer, s) =>
        {
            writer.WriteStartObject();
            WriteResponseFields(writer, s.ids, s.run, finished: true);
            s.call.WriteSimulatorProperties(writer);
            writer.WriteEndObject();
        });
    }

    private static async Task StreamAsync(SimulatorCall call, GenerationRun run, ResponseIds ids)
    {
        using var sse = SseWriter.Start(call.Context, call.Cancellation);
        var sequence = 0;

        var writer = BeginEvent(sse, Created, ref sequence);
        WriteResponse(writer, ids, run, finished: false);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, InProgress, ref sequence);
        WriteResponse(writer, ids, run, finished: false);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, ItemAdded, ref sequence);
        writer.WriteNumber("output_index"u8, 0);
        writer.WritePropertyName("item"u8);
        WriteMessageItem(writer, ids, run, finished: false);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, PartAdded, ref sequence);
        WritePartLocation(writer, ids);
        writer.WritePropertyName("part"u8);
        WriteOutputText(writer, OpenAiWire.EmptyText);
        await EndEventAsync(sse, writer);

        for (var i = 0; i < run.Count; i++)
        {
            await run.WaitForTokenAsync(i, call.Cancellation);
            writer = BeginEvent(sse, TextDelta, ref sequence);
            WritePartLocation(writer, ids);
            writer.WriteString("delta"u8, run.Token(i));
            writer.WriteStartArray("logprobs"u8);
            writer.WriteEndArray();
            await EndEventAsync(sse, writer);
            run.TokenEmitted();
        }

        run.Complete();
        var text = JsonEncodedText.Encode(run.FullText(), JsonResponse.WriterOptions.Encoder);

        writer = BeginEvent(sse, TextDone, ref sequence);
        WritePartLocation(writer, ids);
        writer.WriteString("text"u8, text);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, PartDone, ref sequence);
        WritePartLocation(writer, ids);
        writer.WritePropertyName("part"u8);
        WriteOutputText(writer, text);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, ItemDone, ref sequence);
        writer.WriteNumber("output_index"u8, 0);
        writer.WritePropertyName("item"u8);
        WriteMessageItem(writer, ids, run, finished: true);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, run.Plan.HitLimit ? Incomplete : Completed, ref sequence);
        WriteResponse(writer, ids, run, finished: true);
        call.WriteSimulatorProperties(writer);
        await EndEventAsync(sse, writer);
    }

    private static Utf8JsonWriter BeginEvent(SseWriter sse, JsonEncodedText type, ref int sequence)
    {
        var writer = sse.BeginEvent(type);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteNumber("sequence_number"u8, sequence++);
        return writer;
    }

    private static ValueTask EndEventAsync(SseWriter sse, Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        return sse.EndEventAsync();
    }

    private static void WritePartLocation(Utf8JsonWriter writer, in ResponseIds ids)
    {
        writer.WriteString("item_id"u8, ids.MessageId);
        writer.WriteNumber("output_index"u8, 0);
        writer.WriteNumber("content_index"u8, 0);
    }

    private static void WriteResponse(Utf8JsonWriter writer, in ResponseIds ids, GenerationRun run, bool finished)
    {
        writer.WriteStartObject("response"u8);
        WriteResponseFields(writer, ids, run, finished);
        writer.WriteEndObject();
    }

    private static void WriteResponseFields(Utf8JsonWriter writer, in ResponseIds ids, GenerationRun run, bool finished)
    {
        writer.WriteString(OpenAiWire.Id, ids.ResponseId);
        writer.WriteString(OpenAiWire.Object, "response"u8);
        writer.WriteNumber("created_at"u8, ids.CreatedAt);
        writer.WriteString("status"u8, !finished ? "in_progress"u8 : run.Plan.HitLimit ? "incomplete"u8 : "completed"u8);
        writer.WriteNull("error"u8);
        if (finished && run.Plan.HitLimit)
        {
            writer.WriteStartObject("incomplete_details"u8);
            writer.WriteString("reason"u8, "max_output_tokens"u8);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("incomplete_details"u8);
        }

        writer.WriteString(OpenAiWire.Model, ids.Model);
        writer.WriteStartArray("output"u8);
        if (finished)
            WriteMessageItem(writer, ids, run, finished: true);
        writer.WriteEndArray();
        writer.WriteBoolean("parallel_tool_calls"u8, true);
        writer.WriteStartArray("tools"u8);
        writer.WriteEndArray();
        writer.WriteString("tool_choice"u8, "auto"u8);
        if (finished)
        {
            writer.WriteStartObject(OpenAiWire.Usage);
            writer.WriteNumber("input_tokens"u8, run.Plan.PromptTokens);
            writer.WriteStartObject("input_tokens_details"u8);
            writer.WriteNumber("cached_tokens"u8, 0);
            writer.WriteEndObject();
            writer.WriteNumber("output_tokens"u8, run.Emitted);
            writer.WriteStartObject("output_tokens_details"u8);
            writer.WriteNumber("reasoning_tokens"u8, 0);
            writer.WriteEndObject();
            writer.WriteNumber(OpenAiWire.TotalTokens, run.Plan.PromptTokens + run.Emitted);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(OpenAiWire.Usage);
        }
    }

    private static void WriteMessageItem(Utf8JsonWriter writer, in ResponseIds ids, GenerationRun run, bool finished)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString(OpenAiWire.Id, ids.MessageId);
        writer.WriteString("status"u8, finished ? "completed"u8 : "in_progress"u8);
        writer.WriteString(OpenAiWire.Role, OpenAiWire.Assistant);
        writer.WriteStartArray(OpenAiWire.Content);
        if (finished)
            WriteOutputText(writer, JsonEncodedText.Encode(run.FullText(), JsonResponse.WriterOptions.Encoder));
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteOutputText(Utf8JsonWriter writer, JsonEncodedText text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "output_text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private readonly record struct ResponseIds(JsonEncodedText ResponseId, JsonEncodedText MessageId, long CreatedAt, JsonEncodedText Model);
}

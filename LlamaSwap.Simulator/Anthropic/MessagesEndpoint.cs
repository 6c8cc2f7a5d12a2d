using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c> (Anthropic Messages API): a <c>message</c> object with one text block and usage,
/// or the event stream <c>message_start</c>, <c>content_block_start</c>, <c>ping</c>, one
/// <c>content_block_delta</c> (text_delta) per token, <c>content_block_stop</c>, <c>message_delta</c>
/// (stop_reason and usage) and <c>message_stop</c>. Errors use Anthropic's envelope.
/// </summary>
internal sealed class MessagesEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    protected override ErrorFormat ErrorFormat => ErrorFormat.Anthropic;

    protected override bool SupportsStreaming => true;

    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            throw SimulatorRequestException.BadRequest("messages: Field required (an array of messages)", "messages");
        var cap = RequestFields.TokenCap(root, AnthropicWire.TokenCaps);
        var run = call.StartGeneration(cap, PromptDigest.Of(root));
        var ids = new MessageIds(JsonEncodedText.Encode(Runtime.NextId(AnthropicWire.MessageIdPrefix)), JsonEncodedText.Encode(call.ResponseModel));
        return call.Stream ? StreamAsync(call, run, ids) : RespondWholeAsync(call, run, ids);
    }

    private static async Task RespondWholeAsync(SimulatorCall call, GenerationRun run, MessageIds ids)
    {
        await run.RunToEndAsync(call.Cancellation);
        run.Complete();
        await JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, run, ids), static (writer, s) =>
        {
            writer.WriteStartObject();
            WriteMessageFields(writer, s.ids, s.run, finished: true);
            s.call.WriteSimulatorProperties(writer);
            writer.WriteEndObject();
        });
    }

    private static async Task StreamAsync(SimulatorCall call, GenerationRun run, MessageIds ids)
    {
        using var sse = SseWriter.Start(call.Context, call.Cancellation);

        var writer = BeginEvent(sse, AnthropicWire.MessageStart);
        writer.WriteStartObject("message"u8);
        WriteMessageFields(writer, ids, run, finished: false);
        writer.WriteEndObject();
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, AnthropicWire.ContentBlockStart);
        writer.WriteNumber(AnthropicWire.Index, 0);
        writer.WriteStartObject("content_block"u8);
        writer.WriteString(AnthropicWire.Type, AnthropicWire.Text);
        writer.WriteString(AnthropicWire.Text, string.Empty);
        writer.WriteEndObject();
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, AnthropicWire.Ping);
        await EndEventAsync(sse, writer);

        for (var i = 0; i < run.Count; i++)
        {
            await run.WaitForTokenAsync(i, call.Cancellation);
            writer = BeginEvent(sse, AnthropicWire.ContentBlockDelta);
            writer.WriteNumber(AnthropicWire.Index, 0);
            writer.WriteStartObject(AnthropicWire.Delta);
            writer.WriteString(AnthropicWire.Type, AnthropicWire.TextDelta);
            writer.WriteString(AnthropicWire.Text, run.Token(i));
            writer.WriteEndObject();
            await EndEventAsync(sse, writer);
            run.TokenEmitted();
        }

        run.Complete();
        writer = BeginEvent(sse, AnthropicWire.ContentBlockStop);
        writer.WriteNumber(AnthropicWire.Index, 0);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, AnthropicWire.MessageDelta);
        writer.WriteStartObject(AnthropicWire.Delta);
        writer.WriteString("stop_reason"u8, AnthropicWire.StopReasonOf(run.Plan.HitLimit));
        writer.WriteNull("stop_sequence"u8);
        writer.WriteEndObject();
        writer.WriteStartObject(AnthropicWire.Usage);
        writer.WriteNumber(AnthropicWire.InputTokens, run.Plan.PromptTokens);
        writer.WriteNumber("cache_creation_input_tokens"u8, 0);
        writer.WriteNumber("cache_read_input_tokens"u8, 0);
        writer.WriteNumber(AnthropicWire.OutputTokens, run.Emitted);
        writer.WriteEndObject();
        call.WriteSimulatorProperties(writer);
        await EndEventAsync(sse, writer);

        writer = BeginEvent(sse, AnthropicWire.MessageStop);
        await EndEventAsync(sse, writer);
    }

    private static Utf8JsonWriter BeginEvent(SseWriter sse, JsonEncodedText type)
    {
        var writer = sse.BeginEvent(type);
        writer.WriteStartObject();
        writer.WriteString(AnthropicWire.Type, type);
        return writer;
    }

    private static ValueTask EndEventAsync(SseWriter sse, Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        return sse.EndEventAsync();
    }

    /// <summary>The message object; before generation (message_start) it has no content and one output token.</summary>
    private static void WriteMessageFields(Utf8JsonWriter writer, in MessageIds ids, GenerationRun run, bool finished)
    {
        writer.WriteString("id"u8, ids.Id);
        writer.WriteString(AnthropicWire.Type, "message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("model"u8, ids.Model);
        writer.WriteStartArray("content"u8);
        if (finished)
        {
            writer.WriteStartObject();
            writer.WriteString(AnthropicWire.Type, AnthropicWire.Text);
            writer.WriteString(AnthropicWire.Text, run.FullText());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (finished)
            writer.WriteString("stop_reason"u8, AnthropicWire.StopReasonOf(run.Plan.HitLimit));
        else
            writer.WriteNull("stop_reason"u8);
        writer.WriteNull("stop_sequence"u8);
        writer.WriteStartObject(AnthropicWire.Usage);
        writer.WriteNumber(AnthropicWire.InputTokens, run.Plan.PromptTokens);
        writer.WriteNumber("cache_creation_input_tokens"u8, 0);
        writer.WriteNumber("cache_read_input_tokens"u8, 0);
        writer.WriteNumber(AnthropicWire.OutputTokens, finished ? run.Emitted : 1);
        writer.WriteString("service_tier"u8, "standard"u8);
        writer.WriteEndObject();
    }

    private readonly record struct MessageIds(JsonEncodedText Id, JsonEncodedText Model);
}

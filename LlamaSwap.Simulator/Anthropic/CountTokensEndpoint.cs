using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Anthropic;

/// <summary><c>POST /v1/messages/count_tokens</c>: <c>{"input_tokens":N}</c>, counted as the prompt's words.</summary>
internal sealed class CountTokensEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    protected override ErrorFormat ErrorFormat => ErrorFormat.Anthropic;

    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            throw SimulatorRequestException.BadRequest("messages: Field required (an array of messages)", "messages");
        var tokens = PromptDigest.Of(root).Words;
        return JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, tokens), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber(AnthropicWire.InputTokens, s.tokens);
            s.call.WriteSimulatorProperties(writer);
            writer.WriteEndObject();
        });
    }
}

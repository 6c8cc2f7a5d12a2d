using System.Runtime.InteropServices;
using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.OpenAi;

/// <summary>
/// <c>POST /v1/embeddings</c>: one deterministic vector per input element (a string, an array of strings, or
/// token arrays), as floats or, with <c>encoding_format: "base64"</c> (what the OpenAI SDKs ask for), as
/// base64 of little-endian float32s. <c>dimensions</c> sets the length (default 8).
/// </summary>
internal sealed class EmbeddingsEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    private const int MaxDimensions = 8192;

    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        if (!root.TryGetProperty("input", out var input))
            throw SimulatorRequestException.BadRequest("'input' is required", "input");
        var inputs = Inputs(input);
        var dimensions = RequestFields.OptionalInt(root, "dimensions") ?? EmbeddingVector.DefaultDimensions;
        if (dimensions is < 1 or > MaxDimensions)
            throw SimulatorRequestException.BadRequest($"'dimensions' must be between 1 and {MaxDimensions}, not {dimensions}", "dimensions");
        var format = RequestFields.OptionalString(root, "encoding_format") ?? "float";
        if (format is not ("float" or "base64"))
            throw SimulatorRequestException.BadRequest($"'encoding_format' must be 'float' or 'base64', not '{format}'", "encoding_format");
        var promptTokens = PromptDigest.Of(root).Words;

        return JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, inputs, dimensions, base64: format == "base64", promptTokens),
            static (writer, s) =>
            {
                writer.WriteStartObject();
                writer.WriteString(OpenAiWire.Object, "list"u8);
                writer.WriteStartArray("data"u8);
                for (var i = 0; i < s.inputs.Count; i++)
                {
                    var vector = EmbeddingVector.For(s.inputs[i], s.dimensions);
                    writer.WriteStartObject();
                    writer.WriteString(OpenAiWire.Object, "embedding"u8);
                    writer.WriteNumber(OpenAiWire.Index, i);
                    if (s.base64)
                    {
                        writer.WriteBase64String("embedding"u8, MemoryMarshal.AsBytes(vector.AsSpan()));
                    }
                    else
                    {
                        writer.WriteStartArray("embedding"u8);
                        foreach (var value in vector)
                            writer.WriteNumberValue(value);
                        writer.WriteEndArray();
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteString(OpenAiWire.Model, s.call.ResponseModel);
                writer.WriteStartObject(OpenAiWire.Usage);
                writer.WriteNumber(OpenAiWire.PromptTokens, s.promptTokens);
                writer.WriteNumber(OpenAiWire.TotalTokens, s.promptTokens);
                writer.WriteEndObject();
                s.call.WriteSimulatorProperties(writer);
                writer.WriteEndObject();
            });
    }

    /// <summary>The texts to embed; a token array is embedded by its JSON spelling.</summary>
    private static List<string> Inputs(JsonElement input)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return [input.GetString()!];
            case JsonValueKind.Array when input.GetArrayLength() == 0:
                throw SimulatorRequestException.BadRequest("'input' must not be empty", "input");
            case JsonValueKind.Array when input[0].ValueKind == JsonValueKind.Number:
                return [input.GetRawText()];
            case JsonValueKind.Array:
                var inputs = new List<string>(input.GetArrayLength());
                foreach (var item in input.EnumerateArray())
                {
                    inputs.Add(item.ValueKind switch
                    {
                        JsonValueKind.String => item.GetString()!,
                        JsonValueKind.Array => item.GetRawText(),
                        _ => throw SimulatorRequestException.BadRequest("'input' items must be strings or token arrays", "input"),
                    });
                }

                return inputs;
            default:
                throw SimulatorRequestException.BadRequest("'input' must be a string or an array", "input");
        }
    }
}

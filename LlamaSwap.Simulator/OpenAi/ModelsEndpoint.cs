using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.OpenAi;

/// <summary><c>GET /v1/models</c> (and <c>/models</c>): the one model this server serves.</summary>
internal static class ModelsEndpoint
{
    public static Task HandleAsync(HttpContext context, SimulatorRuntime runtime, long startedAt) =>
        JsonResponse.WriteAsync(context, StatusCodes.Status200OK, (runtime, startedAt), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteString(OpenAiWire.Object, "list"u8);
            writer.WriteStartArray("data"u8);
            writer.WriteStartObject();
            writer.WriteString(OpenAiWire.Id, s.runtime.Identity.ModelJson);
            writer.WriteString(OpenAiWire.Object, "model"u8);
            writer.WriteNumber(OpenAiWire.Created, s.startedAt);
            writer.WriteString("owned_by"u8, "llamaswap-simulator"u8);
            writer.WriteEndObject();
            writer.WriteEndArray();
            s.runtime.Identity.WriteProperty(writer);
            writer.WriteEndObject();
        });
}

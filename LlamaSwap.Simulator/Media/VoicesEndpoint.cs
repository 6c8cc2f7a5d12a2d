using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary><c>GET /v1/audio/voices?model=</c>: a fixed voice list and the queried model.</summary>
internal static class VoicesEndpoint
{
    public static Task HandleAsync(HttpContext context)
    {
        string? model = context.Request.Query[SimulatorWire.ModelQuery];
        return JsonResponse.WriteAsync(context, StatusCodes.Status200OK, model, static (writer, model) =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("voices"u8);
            writer.WriteStringValue("alloy"u8);
            writer.WriteStringValue("simulator"u8);
            writer.WriteEndArray();
            writer.WriteString("model"u8, model);
            writer.WriteEndObject();
        });
    }
}

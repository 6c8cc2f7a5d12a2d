using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.LlamaServer;

/// <summary>
/// <c>GET /props</c>, llama-server's server properties. <c>model</c> echoes the <c>?model=</c> query (as the
/// proxy routes <c>/props?model=X</c>) or, without it, the configured name.
/// </summary>
internal static class PropsEndpoint
{
    public const int ContextSize = 4096;

    public static Task HandleAsync(HttpContext context, SimulatorRuntime runtime)
    {
        string? queried = context.Request.Query[SimulatorWire.ModelQuery];
        return JsonResponse.WriteAsync(context, StatusCodes.Status200OK, (runtime, queried), static (writer, s) =>
        {
            var identity = s.runtime.Identity;
            writer.WriteStartObject();
            writer.WriteStartObject("default_generation_settings"u8);
            writer.WriteNumber("n_ctx"u8, ContextSize);
            writer.WriteStartObject("params"u8);
            writer.WriteNumber("n_predict"u8, s.runtime.Options.MaxTokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteNumber("total_slots"u8, 1);
            writer.WriteString("model"u8, s.queried ?? identity.Model);
            writer.WriteString("model_alias"u8, identity.ModelJson);
            writer.WriteString("model_path"u8, $"/models/{identity.Model}.gguf");
            writer.WriteString("chat_template"u8, "{% for message in messages %}{{ message.content }}{% endfor %}");
            writer.WriteStartObject("modalities"u8);
            writer.WriteBoolean("vision"u8, false);
            writer.WriteBoolean("audio"u8, false);
            writer.WriteEndObject();
            writer.WriteString("build_info"u8, "llamaswap-simulator"u8);
            writer.WriteBoolean("is_sleeping"u8, !s.runtime.LoadGate.IsLoaded);
            identity.WriteProperty(writer);
            writer.WriteEndObject();
        });
    }
}

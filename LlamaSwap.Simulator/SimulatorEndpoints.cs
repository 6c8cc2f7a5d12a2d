using LlamaSwap.Simulator.Anthropic;
using LlamaSwap.Simulator.Diagnostics;
using LlamaSwap.Simulator.Http;
using LlamaSwap.Simulator.LlamaServer;
using LlamaSwap.Simulator.Media;
using LlamaSwap.Simulator.OpenAi;

namespace LlamaSwap.Simulator;

/// <summary>
/// The route table. Versionless aliases (<c>/chat/completions</c>, <c>/messages</c> …) exist because the proxy
/// forwards its <c>/v/…</c> routes without the version prefix, as llama-server and vLLM accept them.
/// </summary>
internal static class SimulatorEndpoints
{
    public static void MapSimulatorEndpoints(this IEndpointRouteBuilder app, SimulatorRuntime runtime)
    {
        var startedAt = runtime.UnixNow();

        MapPost(app, new ChatCompletionsEndpoint(runtime), "/v1/chat/completions", "/chat/completions");
        MapPost(app, new TextCompletionsEndpoint(runtime), "/v1/completions", "/completions");
        MapPost(app, new EmbeddingsEndpoint(runtime), "/v1/embeddings", "/embeddings");
        MapPost(app, new ResponsesEndpoint(runtime), "/v1/responses", "/responses");
        MapPost(app, new MessagesEndpoint(runtime), "/v1/messages", "/messages");
        MapPost(app, new CountTokensEndpoint(runtime), "/v1/messages/count_tokens", "/messages/count_tokens");
        MapPost(app, new CompletionEndpoint(runtime), "/completion", "/infill");
        MapPost(app, new RerankEndpoint(runtime), "/v1/rerank", "/rerank", "/reranking", "/v1/reranking");
        MapPost(app, new TranscriptionEndpoint(runtime), "/v1/audio/transcriptions", "/v1/audio/translations");
        MapPost(app, new SpeechEndpoint(runtime), "/v1/audio/speech");
        MapPost(app, new ImageGenerationsEndpoint(runtime), "/v1/images/generations");
        MapPost(app, new ImageEditsEndpoint(runtime), "/v1/images/edits");
        MapPost(app, new StableDiffusionEndpoint(runtime), "/sdapi/v1/txt2img", "/sdapi/v1/img2img");

        var slow = new SlowRespondEndpoint(runtime);
        app.MapGet("/slow-respond", slow.HandleAsync).WithMetadata(LogsItsOwnRequests.Instance);

        var health = new RequestDelegate(context => HealthEndpoint.HandleAsync(context, runtime));
        app.MapGet("/health", health).WithMetadata(LogsItsOwnRequests.Instance);
        app.MapGet("/v1/health", health).WithMetadata(LogsItsOwnRequests.Instance);

        var models = new RequestDelegate(context => ModelsEndpoint.HandleAsync(context, runtime, startedAt));
        app.MapGet("/v1/models", models);
        app.MapGet("/models", models);
        app.MapGet("/", new RequestDelegate(context => RootEndpoint.HandleAsync(context, runtime)));
        app.MapGet("/props", new RequestDelegate(context => PropsEndpoint.HandleAsync(context, runtime)));
        app.MapGet("/env", new RequestDelegate(EnvEndpoint.HandleAsync));
        app.MapGet("/v1/audio/voices", new RequestDelegate(VoicesEndpoint.HandleAsync));
        app.MapGet("/sdapi/v1/loras", new RequestDelegate(context =>
            JsonResponse.WriteAsync(context, StatusCodes.Status200OK, 0, static (writer, _) =>
            {
                writer.WriteStartArray();
                writer.WriteEndArray();
            })));

        app.MapFallback(new RequestDelegate(context => ErrorResponses.WriteAsync(context, ErrorFormat.OpenAi,
            StatusCodes.Status404NotFound, $"the simulator has no route for {context.Request.Method} {context.Request.Path}")));
    }

    private static void MapPost(IEndpointRouteBuilder app, SimulatorEndpoint endpoint, params string[] patterns)
    {
        foreach (var pattern in patterns)
            app.MapPost(pattern, endpoint.HandleAsync).WithMetadata(LogsItsOwnRequests.Instance);
    }
}

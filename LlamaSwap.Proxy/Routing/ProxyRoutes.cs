using System.Collections.Immutable;

namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// llama-swap's route table for model-dispatched requests (§2.2), and the paths that need no API key.
/// Every POST route reads the model from the body by content type (JSON, multipart, urlencoded form);
/// GET routes read it from <c>?model=</c>.
/// </summary>
internal static class ProxyRoutes
{
    public const string ChatCompletions = "/v1/chat/completions";
    public const string UpstreamPrefix = "/upstream";
    public const string VersionlessPrefix = "/v";
    public const string AudioApiPrefix = "/audioapi";
    public const string WolHealth = "/wol-health";
    public const string Ui = "/ui";
    public const string UiModels = "/ui/models";

    /// <summary>POST routes forwarded under the same path.</summary>
    public static readonly ImmutableArray<string> Post =
    [
        // OpenAI
        "/v1/chat/completions", "/v1/responses", "/v1/completions", "/v1/embeddings",
        "/v1/audio/speech", "/v1/audio/voices", "/v1/images/generations",
        "/v1/audio/transcriptions", "/v1/audio/translations", "/v1/images/edits",
        // Anthropic
        "/v1/messages", "/v1/messages/count_tokens",
        // llama-server
        "/reranking", "/rerank", "/v1/rerank", "/v1/reranking", "/infill", "/completion",
        // stable-diffusion.cpp / SDAPI
        "/sdapi/v1/txt2img", "/sdapi/v1/img2img",
    ];

    /// <summary>POST routes forwarded without their <c>/v</c> prefix (servers that serve OpenAI paths at the root).</summary>
    public static readonly ImmutableArray<string> Versionless =
    [
        "/v/chat/completions", "/v/responses", "/v/completions", "/v/messages", "/v/messages/count_tokens",
        "/v/embeddings", "/v/rerank", "/v/reranking",
    ];

    /// <summary>audio.cpp's task route, forwarded without its <c>/audioapi</c> prefix.</summary>
    public const string AudioApiTasks = "/audioapi/v1/tasks/run";

    /// <summary>GET routes whose model is the <c>model</c> query parameter.</summary>
    public static readonly ImmutableArray<string> Get = ["/v1/audio/voices", "/sdapi/v1/loras", "/props"];

    /// <summary>Paths served without an API key (llama-swap's, plus the service-default <c>/alive</c>).</summary>
    public static bool IsOpen(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (HttpMethods.IsOptions(request.Method))
            return true;
        return path is "/health" or "/alive" or WolHealth or "/favicon.ico"
            || (HttpMethods.IsGet(request.Method) && path is "/" or UpstreamPrefix);
    }

    /// <summary>The path a model route forwards to.</summary>
    public static string UpstreamPathOf(string route) =>
        route.StartsWith(VersionlessPrefix + "/", StringComparison.Ordinal) ? route[VersionlessPrefix.Length..]
        : route.StartsWith(AudioApiPrefix + "/", StringComparison.Ordinal) ? route[AudioApiPrefix.Length..]
        : route;
}

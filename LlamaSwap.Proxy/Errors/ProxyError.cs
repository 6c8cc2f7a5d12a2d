namespace LlamaSwap.Proxy.Errors;

/// <summary>An error the Proxy itself answers with (never an upstream's own response).</summary>
/// <param name="Code">Overrides the default code for the status (e.g. <c>concurrency_limit</c>).</param>
public sealed record ProxyError(int StatusCode, string Message, string? Code = null)
{
    public static ProxyError NoModel() => new(404, "no model id could be identified");
    public static ProxyError UnknownModel() => new(404, "no local server found for requested model");
    public static ProxyError NoRouter() => new(404, "no router for requested model");
    public static ProxyError NoPeer() => new(404, "no peer found for requested model");
    public static ProxyError ModelNotFound() => new(404, "model not found");
    public static ProxyError Unauthorized() => new(401, "unauthorized: invalid or missing API key");
    public static ProxyError TooManyRequests() => new(429, "Too many requests", "concurrency_limit");
    public static ProxyError BadGateway(string message) => new(502, message);

    public static ProxyError UnreadableBody(string detail) => new(400, $"could not read request body: {detail}");

    /// <summary>A failure without a more specific mapping, worded as llama-swap words it.</summary>
    public static ProxyError Unspecific(string detail) => new(500, $"unspecific error: {detail}");

    public static ProxyError DisabledByProfile(string name, string profile) =>
        new(404, $"model \"{name}\" is disabled by the active profile \"{profile}\"");

    public static ProxyError SelectorUnavailable(string selectorId) =>
        new(503, $"selector \"{selectorId}\" has no available spillover targets");

    public static ProxyError SupervisorUnreachable(Uri address, string detail) =>
        new(503, $"the Supervisor at {address} is unreachable: {detail}");

    public static ProxyError UpstreamUnreachable(string model, Uri target, string detail) =>
        new(502, $"upstream of model {model} at {target.GetLeftPart(UriPartial.Authority)} is unreachable: {detail}");

    public static ProxyError UpstreamTimeout(string model, TimeSpan timeout) =>
        new(504, $"upstream of model {model} sent no response headers within {timeout.TotalSeconds:0.###}s (timeouts.responseHeader)");

    public static ProxyError PeerError(string detail) => new(502, $"peer proxy error: {detail}");

    public static ProxyError IgnoredPath(string modelId) =>
        new(409, $"model {modelId} is not loaded; path matches upstream.ignorePaths");

    public static ProxyError ShuttingDown() => new(503, "the proxy is shutting down");
}

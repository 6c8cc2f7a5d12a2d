namespace LlamaSwap.Proxy.Errors;

/// <summary>An error the Proxy itself answers with (never an upstream's own response).</summary>
/// <param name="Code">Overrides the default code for the status (e.g. <c>concurrency_limit</c>).</param>
public sealed record ProxyError(int StatusCode, string Message, string? Code = null)
{
    public static ProxyError NoModel() => new(404, "no model id could be identified");
    public static ProxyError UnknownModel() => new(404, "no local server found for requested model");
    public static ProxyError NoRouter() => new(404, "no router for requested model");
    public static ProxyError Unauthorized() => new(401, "unauthorized: invalid or missing API key");
    public static ProxyError TooManyRequests() => new(429, "Too many requests", "concurrency_limit");
    public static ProxyError BadGateway(string message) => new(502, message);
}

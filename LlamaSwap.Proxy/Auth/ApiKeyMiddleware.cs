using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Routing;

namespace LlamaSwap.Proxy.Auth;

/// <summary>
/// Requires one of the configured <c>apiKeys</c> on every request except llama-swap's open paths
/// (health probes, the redirects, <c>/favicon.ico</c>, CORS preflights). Off when no key is configured.
/// A refusal is a 401 envelope with <c>WWW-Authenticate: Basic</c> so a browser prompts for the key.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, RoutingTableCache tables)
{
    public Task InvokeAsync(HttpContext context)
    {
        var keys = tables.Current.Keys;
        if (!keys.Enabled || ProxyRoutes.IsOpen(context.Request) || keys.IsValid(ApiKeyExtractor.Extract(context.Request.Headers)))
            return next(context);
        return ProxyErrorWriter.WriteAsync(context, ProxyError.Unauthorized());
    }
}

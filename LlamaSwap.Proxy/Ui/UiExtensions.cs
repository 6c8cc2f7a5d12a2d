using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlamaSwap.Proxy.Ui;

/// <summary>The Proxy's web UI: the embedded Svelte build, served under <c>/ui</c>.</summary>
public static class UiExtensions
{
    /// <summary>Registers the embedded UI files (read from the Proxy assembly on first use), unless a host supplied its own.</summary>
    public static WebApplicationBuilder AddProxyUi(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(_ => UiAssets.FromAssembly(typeof(UiAssets).Assembly));
        return builder;
    }

    /// <summary>
    /// Maps <c>GET /</c> (302 to <c>/ui</c>), <c>GET /ui</c> (301 to <c>/ui/</c>), <c>GET /ui/{path}</c>
    /// (the file, or index.html for client-side routes) and <c>GET /favicon.ico</c>; HEAD too.
    /// </summary>
    public static IEndpointRouteBuilder MapProxyUi(this IEndpointRouteBuilder endpoints)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods(UiPaths.Root, methods, UiEndpoints.RedirectRoot).ExcludeFromDescription();
        endpoints.MapMethods(UiPaths.Base, methods, (HttpContext context, UiAssets assets) =>
            UiEndpoints.ServeBaseAsync(context, assets)).ExcludeFromDescription();
        endpoints.MapMethods(UiPaths.Base + "/{**path}", methods, (HttpContext context, UiAssets assets, string? path) =>
            UiEndpoints.ServeAsync(context, assets, path)).ExcludeFromDescription();
        endpoints.MapMethods(UiPaths.Favicon, methods, (HttpContext context, UiAssets assets) =>
            UiEndpoints.ServeFaviconAsync(context, assets)).ExcludeFromDescription();
        return endpoints;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlamaSwap.Proxy.Ui;

/// <summary>The Proxy's web UI: the embedded Svelte build, served under <c>/ui</c>.</summary>
public static class UiExtensions
{
    /// <summary>Registers the embedded UI files (read from the Proxy assembly on first use). Calling it twice is harmless.</summary>
    public static WebApplicationBuilder AddProxyUi(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(_ => UiAssets.FromAssembly(typeof(UiAssets).Assembly));
        builder.Services.TryAddSingleton<UiRouteMarker>();
        return builder;
    }

    /// <summary>
    /// Maps <c>GET /</c> (302 to <c>/ui</c>), <c>GET /ui</c> (301 to <c>/ui/</c>), <c>GET /ui/{path}</c>
    /// (the file, or index.html for client-side routes) and <c>GET /favicon.ico</c>; HEAD too. Maps them
    /// once per application, so a second call (a test host that adds the UI itself) changes nothing.
    /// </summary>
    public static IEndpointRouteBuilder MapProxyUi(this IEndpointRouteBuilder endpoints)
    {
        var marker = endpoints.ServiceProvider.GetService<UiRouteMarker>();
        if (marker is not null && !marker.TryClaim())
            return endpoints;

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

    /// <summary>Remembers that the UI routes are mapped in this application.</summary>
    private sealed class UiRouteMarker
    {
        private int _claimed;

        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
    }
}

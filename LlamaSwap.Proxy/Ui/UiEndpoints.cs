using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace LlamaSwap.Proxy.Ui;

/// <summary>
/// Serves the UI like llama-swap does: <c>/</c> → 302 <c>/ui</c>, <c>/ui</c> → 301 <c>/ui/</c>, an
/// embedded file by its path, and for an unknown path whose last segment has no dot, index.html
/// (the SPA's own router shows the page); an unknown file with an extension is a plain 404.
/// </summary>
internal static class UiEndpoints
{
    private const string NotFoundText = "404 page not found\n";
    private const string NotBuiltText = "404 the web UI was not built into this Proxy (build it with Node.js available; see LlamaSwap.Proxy/Ui/README.md)\n";
    private const string ImmutableCache = "public, max-age=31536000, immutable";
    private const string RevalidateCache = "no-cache";

    public static IResult RedirectRoot() => Results.Redirect(UiPaths.Base, permanent: false);

    /// <summary>
    /// Routing treats <c>/ui</c> and <c>/ui/</c> as the same route, so the slash decides here:
    /// without it the browser is sent to <c>/ui/</c>, so that relative URLs resolve under it.
    /// </summary>
    public static Task ServeBaseAsync(HttpContext context, UiAssets assets)
    {
        if (context.Request.Path.Value?.EndsWith('/') == true)
            return ServeAsync(context, assets, null);
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = UiPaths.Base + "/" + context.Request.QueryString;
        return Task.CompletedTask;
    }

    public static Task ServeAsync(HttpContext context, UiAssets assets, string? path)
    {
        if (!assets.IsAvailable)
            return PlainAsync(context, StatusCodes.Status404NotFound, NotBuiltText);

        var relative = path ?? "";
        var asset = relative.Length == 0 ? assets.Index : assets.Find(relative);
        if (asset is null)
        {
            var lastSegment = relative[(relative.LastIndexOf('/') + 1)..];
            if (lastSegment.Contains('.', StringComparison.Ordinal))
                return PlainAsync(context, StatusCodes.Status404NotFound, NotFoundText);
            asset = assets.Index!;
        }
        return WriteAsync(context, asset);
    }

    public static Task ServeFaviconAsync(HttpContext context, UiAssets assets) =>
        assets.Find(UiPaths.Favicon.TrimStart('/')) is { } asset
            ? WriteAsync(context, asset)
            : PlainAsync(context, StatusCodes.Status404NotFound, NotFoundText);

    private static Task WriteAsync(HttpContext context, UiAsset asset)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentType = asset.ContentType;
        headers.ETag = asset.ETag;
        headers.CacheControl = asset.Immutable ? ImmutableCache : RevalidateCache;
        headers.XContentTypeOptions = "nosniff";
        if (asset.Brotli is not null)
            headers.Vary = HeaderNames.AcceptEncoding;

        if (IsNotModified(context.Request.Headers.IfNoneMatch, asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        var body = asset.Content;
        if (asset.Brotli is { } brotli && AcceptsBrotli(context.Request.Headers.AcceptEncoding))
        {
            headers.ContentEncoding = "br";
            body = brotli;
        }
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static Task PlainAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static bool IsNotModified(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (candidate == "*" || candidate == etag || candidate == "W/" + etag)
                    return true;
            }
        }
        return false;
    }

    // A token match like llama-swap's: "br" and "br;q=1" count, "brotli" does not, "br;q=0" refuses.
    internal static bool AcceptsBrotli(StringValues acceptEncoding)
    {
        foreach (var value in acceptEncoding)
        {
            foreach (var entry in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                var parts = entry.Split(';', StringSplitOptions.TrimEntries);
                if (!parts[0].Equals("br", StringComparison.OrdinalIgnoreCase))
                    continue;
                var refused = parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
                return !refused;
            }
        }
        return false;
    }
}

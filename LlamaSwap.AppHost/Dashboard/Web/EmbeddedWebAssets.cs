using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace LlamaSwap.AppHost.Dashboard.Web;

/// <summary>
/// Serves the web UI the build embedded (Dashboard/web/dist, as resources named <c>dashboard-web/…</c>).
/// Hashed files under /assets/ are cached forever; any other unknown path gets index.html, where the
/// single-page app routes it.
/// </summary>
internal sealed class EmbeddedWebAssets
{
    private const string Prefix = "dashboard-web/";
    private const string IndexFile = "index.html";

    private readonly Assembly _assembly = typeof(EmbeddedWebAssets).Assembly;
    private readonly HashSet<string> _names;
    private readonly FileExtensionContentTypeProvider _contentTypes = new();
    private readonly string _etag;

    public EmbeddedWebAssets()
    {
        _names = [.. _assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))];
        _etag = $"\"{_assembly.ManifestModule.ModuleVersionId:N}\"";
    }

    /// <summary>False when the build ran without the web UI (npm missing); the API still works.</summary>
    public bool Available => _names.Contains(Prefix + IndexFile);

    public async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimStart('/') ?? "";
        if (path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("v1/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var name = Prefix + path;
        if (path.Length == 0 || !_names.Contains(name))
            name = Prefix + IndexFile;
        if (!_names.Contains(name))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("The dashboard's web UI was not built (npm is needed at build time); the JSON API is at /api.");
            return;
        }

        var headers = context.Response.GetTypedHeaders();
        headers.CacheControl = path.StartsWith("assets/", StringComparison.Ordinal)
            ? new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(365) }
            : new CacheControlHeaderValue { NoCache = true };
        context.Response.Headers.ETag = _etag;
        if (context.Request.Headers.IfNoneMatch.ToString() == _etag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = _contentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";
        await using var stream = _assembly.GetManifestResourceStream(name)!;
        context.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}

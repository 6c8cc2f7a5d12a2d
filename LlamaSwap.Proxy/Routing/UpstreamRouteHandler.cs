using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Filters;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Rpc.Supervisor.V1;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// <c>/upstream/{model...}/{path}</c>: any method, any path, passed to the model's upstream untouched
/// (no filters, no selectors), loading the model if needed, as llama-swap §2.8 describes. The model
/// is the longest leading run of path segments that names one; the rest keeps its percent-encoding.
/// A path matching <c>upstream.ignorePaths</c> never loads a model (409 while it is not Ready), so a
/// browser fetching a UI's assets does not start anything.
/// </summary>
internal sealed class UpstreamRouteHandler(RoutingTableCache tables, ActiveProfile activeProfile, ModelResolver resolver, ModelDispatcher dispatcher)
{
    public async Task HandleAsync(HttpContext context)
    {
        var table = tables.Current;
        var raw = RawPath(context);
        var profile = activeProfile.Name is { } active ? table.Config.Profiles.GetValueOrDefault(active) : null;
        var match = UpstreamPathMatch.Find(raw[(ProxyRoutes.UpstreamPrefix.Length + 1)..], table, profile, out var disabledPin);
        if (match is null)
        {
            var error = disabledPin is not null ? ProxyError.DisabledByProfile(disabledPin, activeProfile.Name!) : ProxyError.ModelNotFound();
            await ModelDispatcher.FailAsync(context, null, null, error).ConfigureAwait(false);
            return;
        }

        if (match.NeedsTrailingSlash)
        {
            var method = context.Request.Method;
            context.Response.StatusCode = HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
                ? StatusCodes.Status301MovedPermanently
                : StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = $"{ProxyRoutes.UpstreamPrefix}/{match.ModelSegmentsRaw}/{context.Request.QueryString}";
            return;
        }

        var remainder = match.RemainderRaw!;
        var local = table.Local(match.Name);
        if (local is not null && IsIgnored(table, Uri.UnescapeDataString(remainder)) && !IsReady(local.Id))
        {
            await ModelDispatcher.FailAsync(context, null, null, ProxyError.IgnoredPath(local.Id)).ConfigureAwait(false);
            return;
        }

        var model = new ResolvedModel(match.Name, match.Name, local, local is null ? table.Peer(match.Name) : null);
        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
        using var content = RequestRewriter.Passthrough(context.Request, hasBody);
        await dispatcher.DispatchAsync(new Dispatch(context, table, model, remainder, context.Request.QueryString, content, null,
            context.Request.Query["stream"] == "true")).ConfigureAwait(false);
    }

    /// <summary>The request path exactly as the client encoded it.</summary>
    private static string RawPath(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
            return context.Request.Path.ToUriComponent();
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? rawTarget : rawTarget[..query];
    }

    private static bool IsIgnored(RoutingTable table, string path) => table.IgnorePaths.Any(pattern => pattern.IsMatch(path));

    private bool IsReady(string modelId) =>
        resolver.ModelStates().TryGetValue(modelId, out var state) && state == ModelState.Ready;
}

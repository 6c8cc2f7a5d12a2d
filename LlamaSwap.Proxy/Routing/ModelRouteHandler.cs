using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Filters;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Requests;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Rules;

namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// The first half of a model-dispatched request (the inference routes): find the model, let a routing rule
/// choose among backends or resolve the name, plan the body, then hand over to <see cref="ModelDispatcher"/>.
/// </summary>
internal sealed class ModelRouteHandler(RoutingTableCache tables, ModelResolver resolver, ModelDispatcher dispatcher, RuleRouter router)
{
    public async Task HandleAsync(HttpContext context, string upstreamPath)
    {
        var aborted = context.RequestAborted;
        var table = tables.Current;
        InboundRequest inbound;
        try
        {
            inbound = await RequestModelExtractor.ExtractAsync(context.Request, upstreamPath == ProxyRoutes.ChatCompletions, aborted)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (IsBodyReadFailure(e))
        {
            await FailUnreadableAsync(context, e).ConfigureAwait(false);
            return;
        }

        await using (inbound.ConfigureAwait(false))
        {
            if (inbound.Model is not { } requested)
            {
                var error = inbound.BodyError is { } bodyError ? ProxyError.UnreadableBody(bodyError) : ProxyError.NoModel();
                await ModelDispatcher.FailAsync(context, null, null, error).ConfigureAwait(false);
                return;
            }

            if (table.MatchRule(requested, context.Request) is { } rule)
            {
                // Several backends may each need the body: read it once, so every attempt sends it again.
                try
                {
                    await inbound.ReadToEndAsync(aborted).ConfigureAwait(false);
                }
                catch (Exception e) when (IsBodyReadFailure(e))
                {
                    await FailUnreadableAsync(context, e).ConfigureAwait(false);
                    return;
                }

                await router.RouteAsync(context, table, rule, requested,
                    (model, fallback, hideAs) => ForwardAsync(context, table, inbound, model, upstreamPath, fallback, hideAs)).ConfigureAwait(false);
                return;
            }

            var resolution = resolver.Resolve(table, requested);
            using var selectorLease = resolution.SelectorLease;
            if (resolution.Model is not { } resolved)
            {
                await ModelDispatcher.FailAsync(context, null, null, resolution.Error!).ConfigureAwait(false);
                return;
            }

            await ForwardAsync(context, table, inbound, resolved, upstreamPath, FallbackScope.None, hideBackendAs: null).ConfigureAwait(false);
        }
    }

    /// <summary>Rewrites the body for <paramref name="model"/> (its name, its filters) and dispatches it there.</summary>
    private async ValueTask<DispatchOutcome> ForwardAsync(HttpContext context, RoutingTable table, InboundRequest inbound, ResolvedModel model,
        string upstreamPath, FallbackScope fallback, string? hideBackendAs)
    {
        var aborted = context.RequestAborted;
        var filters = model.Local is { } local
            ? ParamFilters.For(local.Filters, model.Name)
            : new ParamFilters(model.Peer!.Peer.Filters.StripParams, model.Peer.Peer.Filters.SetParams, null);
        RequestRewriter.Outcome rewrite;
        try
        {
            rewrite = await RequestRewriter.RewriteAsync(inbound, model.UpstreamModelName, filters, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (IsBodyReadFailure(e))
        {
            return new(await FailUnreadableAsync(context, e).ConfigureAwait(false));
        }

        if (rewrite.Error is { } rewriteError)
            return new(await ModelDispatcher.FailAsync(context, null, null, rewriteError).ConfigureAwait(false));

        using var content = rewrite.Content;
        return await dispatcher.DispatchAsync(new Dispatch(context, table, model, upstreamPath, rewrite.Query, content, rewrite.CapturedBody,
            inbound.Stream, fallback, hideBackendAs)).ConfigureAwait(false);
    }

    /// <summary>The client's body could not be read: it broke off, Kestrel refused it, or the client left.</summary>
    private static bool IsBodyReadFailure(Exception e) => e is IOException or BadHttpRequestException or OperationCanceledException;

    /// <summary>Answers 400 naming the reason, unless the client is gone (then there is no one to answer).</summary>
    private static async Task<int> FailUnreadableAsync(HttpContext context, Exception e) =>
        context.RequestAborted.IsCancellationRequested
            ? UpstreamForwarder.ClientClosedRequest
            : await ModelDispatcher.FailAsync(context, null, null, ProxyError.UnreadableBody(e.Message)).ConfigureAwait(false);
}

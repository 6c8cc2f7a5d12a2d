using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Filters;
using LlamaSwap.Proxy.Requests;
using LlamaSwap.Proxy.Resolution;

namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// The first half of a model-dispatched request (the inference routes): find the model, resolve it,
/// plan the body, then hand over to <see cref="ModelDispatcher"/>.
/// </summary>
internal sealed class ModelRouteHandler(RoutingTableCache tables, ModelResolver resolver, ModelDispatcher dispatcher)
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
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            if (!aborted.IsCancellationRequested)
                await ModelDispatcher.FailAsync(context, null, null, ProxyError.UnreadableBody(e.Message)).ConfigureAwait(false);
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

            var resolution = resolver.Resolve(table, requested);
            using var selectorLease = resolution.SelectorLease;
            if (resolution.Model is not { } model)
            {
                await ModelDispatcher.FailAsync(context, null, null, resolution.Error!).ConfigureAwait(false);
                return;
            }

            var filters = model.Local is { } local
                ? ParamFilters.For(local.Filters, model.Name)
                : new ParamFilters(model.Peer!.Peer.Filters.StripParams, model.Peer.Peer.Filters.SetParams, null);
            RequestRewriter.Outcome rewrite;
            try
            {
                rewrite = await RequestRewriter.RewriteAsync(inbound, model.UpstreamModelName, filters, aborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
            {
                if (!aborted.IsCancellationRequested)
                    await ModelDispatcher.FailAsync(context, null, null, ProxyError.UnreadableBody(e.Message)).ConfigureAwait(false);
                return;
            }

            if (rewrite.Error is { } rewriteError)
            {
                await ModelDispatcher.FailAsync(context, null, null, rewriteError).ConfigureAwait(false);
                return;
            }

            using var content = rewrite.Content;
            await dispatcher.DispatchAsync(new Dispatch(context, table, model, upstreamPath, rewrite.Query, content, rewrite.CapturedBody, inbound.Stream))
                .ConfigureAwait(false);
        }
    }
}

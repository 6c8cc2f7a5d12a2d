using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Admission;
using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Telemetry;

namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// The second half of every model-dispatched request, once the model is resolved and the body planned:
/// </summary>
/// <remarks>
/// <code>
/// local model: (1) concurrency slot, else 429 before any byte
///              (2) Acquire a lease (queue / swap / start), streaming loading state meanwhile when it applies
///              (3) forward to the lease's upstream while holding it; the lease ends the forward if revoked
///              (4) release lease and slot, on every path
/// endpoint:    concurrency slot, then forward to its URL (no lease: nothing is started)
/// peer model:  forward to the peer with its own key (no lease, no limit, no loading state)
/// </code>
/// With a <see cref="Dispatch.Fallback"/> scope, a failure before any byte reached the client (no slot, a start
/// failure, an unreachable or failing upstream) is handed back in <see cref="DispatchOutcome.Deferred"/>, for a
/// routing rule to try its next backend; nothing is written then, and no loading state is sent.
/// A <c>proxy request</c> span and the request metrics cover the whole; the activity observer (when
/// one is registered) sees the body sent, the response and any failure, and can cancel the request.
/// </remarks>
internal sealed partial class ModelDispatcher(
    ConcurrencyGate gate,
    LeaseAcquirer acquirer,
    UpstreamForwarder forwarder,
    ProxyTelemetry telemetry,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<ModelDispatcher> logger)
{
    public async Task<DispatchOutcome> DispatchAsync(Dispatch dispatch)
    {
        var context = dispatch.Context;
        var model = dispatch.Model;
        using var activity = telemetry.StartRequest(model.RequestedName);
        activity?.SetTag(ProxyTelemetry.Tags.Model, model.Target);
        if (model.Selector is { } selector)
            activity?.SetTag(ProxyTelemetry.Tags.Selector, selector);
        if (model.Peer is { } peerModel)
            activity?.SetTag(ProxyTelemetry.Tags.Peer, peerModel.Peer.Id);

        var timing = new RequestTiming(telemetry, time, model.Target);
        var scope = context.RequestServices.GetService<IRequestActivity>()?.Begin(context, model.Target, model.RequestedName);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, scope?.Cancelled ?? CancellationToken.None);
        telemetry.RequestStarted(model.Target);
        var outcome = new DispatchOutcome(UpstreamForwarder.ClientClosedRequest);
        try
        {
            if (dispatch.CapturedBody is { } body)
                scope?.RequestBody(body);
            outcome = model.Local switch
            {
                { IsEndpoint: true } endpoint => await EndpointAsync(dispatch, endpoint, scope, timing, cancellation.Token).ConfigureAwait(false),
                { } local => await LocalAsync(dispatch, local, scope, timing, cancellation.Token).ConfigureAwait(false),
                null => await PeerAsync(dispatch, scope, timing, cancellation.Token).ConfigureAwait(false),
            };
        }
        finally
        {
            telemetry.RequestEnded(model.Target, outcome.StatusCode, timing.Elapsed);
            RequestTiming.SetStatus(activity, outcome.StatusCode);
            if (outcome.Deferred is { } deferred)
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, deferred.Message);
            if (scope is not null)
                await scope.DisposeAsync().ConfigureAwait(false);
        }

        return outcome;
    }

    private async Task<DispatchOutcome> LocalAsync(Dispatch dispatch, ModelConfig local, RequestActivityScope? scope, RequestTiming timing, CancellationToken cancellationToken)
    {
        var context = dispatch.Context;

        // :: Step 1: admission, before anything is written.
        using var slot = gate.TryEnter(local.Id, local.ConcurrencyLimit);
        if (slot is null)
            return await FailOrDeferAsync(dispatch, scope, timing, ProxyError.TooManyRequests()).ConfigureAwait(false);

        // :: Step 2: the lease; the Proxy stopping ends only this wait, never a response in progress.
        var loading = dispatch.Fallback == FallbackScope.None && dispatch.Stream && local.SendLoadingState
            && dispatch.UpstreamPath.StartsWith(ProxyRoutes.ChatCompletions, StringComparison.Ordinal)
            ? new LoadingStateStream(context, dispatch.Model.RequestedName, local.LoadingStateStyle, time, timing)
            : null;
        using var acquireCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        LeaseOutcome outcome;
        using (lifetime.ApplicationStopping.Register(static state => ((CancellationTokenSource)state!).Cancel(), acquireCancellation))
        {
            outcome = await acquirer.AcquireAsync(local.Id, context.TraceIdentifier, loading, acquireCancellation.Token, lifetime.ApplicationStopping)
                .ConfigureAwait(false);
        }

        if (loading is not null)
            await loading.FinishAsync().ConfigureAwait(false);
        if (outcome.Error is { } error)
            return await FailOrDeferAsync(dispatch, scope, timing, error).ConfigureAwait(false);
        if (outcome.Lease is not { } lease)
            return new(UpstreamForwarder.ClientClosedRequest);

        // :: Step 3: forward while the lease is held.
        await using (lease.ConfigureAwait(false))
        {
            using var forwardCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Revoked);
            var target = UpstreamUri.Combine(lease.Ready.UpstreamBaseUrl, dispatch.UpstreamPath, dispatch.Query);
            var credentials = new UpstreamCredentials(RemoveClientKey: dispatch.Table.Keys.Enabled, ReplacementKey: null);
            var result = await forwarder.ForwardAsync(
                new ForwardRequest(context, target, dispatch.Content, local.Id, local.Timeouts, credentials, Peer: false, scope, timing, dispatch.Fallback,
                    dispatch.HideBackendAs),
                forwardCancellation.Token).ConfigureAwait(false);
            if (result.End != ForwardEnd.Cancelled)
                return Outcome(result, scope);

            // :: Step 4 (early): the lease was revoked or the request cancelled through the API.
            var reason = lease.Revoked.IsCancellationRequested
                ? $"the Supervisor ended the lease on model {local.Id}: {lease.EndStatus?.Detail}"
                : "request cancelled";
            LogCutShort(logger, local.Id, reason);
            if (!context.Response.HasStarted)
                return new(await FailAsync(context, scope, timing, ProxyError.Unspecific(reason)).ConfigureAwait(false));
            scope?.Failed(result.StatusCode, reason);
            context.Abort();
            return new(result.StatusCode);
        }
    }

    private async Task<DispatchOutcome> EndpointAsync(Dispatch dispatch, ModelConfig endpoint, RequestActivityScope? scope, RequestTiming timing,
        CancellationToken cancellationToken)
    {
        using var slot = gate.TryEnter(endpoint.Id, endpoint.ConcurrencyLimit);
        if (slot is null)
            return await FailOrDeferAsync(dispatch, scope, timing, ProxyError.TooManyRequests()).ConfigureAwait(false);

        var target = UpstreamUri.Combine(endpoint.Proxy, dispatch.UpstreamPath, dispatch.Query);
        var credentials = endpoint.ApiKey.Length > 0
            ? new UpstreamCredentials(RemoveClientKey: true, ReplacementKey: endpoint.ApiKey)
            : new UpstreamCredentials(RemoveClientKey: dispatch.Table.Keys.Enabled, ReplacementKey: null);
        var result = await forwarder.ForwardAsync(
            new ForwardRequest(dispatch.Context, target, dispatch.Content, endpoint.Id, endpoint.Timeouts, credentials, Peer: false, scope, timing, dispatch.Fallback,
                dispatch.HideBackendAs),
            cancellationToken).ConfigureAwait(false);
        return await CancelledOrOutcomeAsync(dispatch, result, scope, timing).ConfigureAwait(false);
    }

    private async Task<DispatchOutcome> PeerAsync(Dispatch dispatch, RequestActivityScope? scope, RequestTiming timing, CancellationToken cancellationToken)
    {
        var peer = dispatch.Model.Peer!.Peer;
        var credentials = peer.ApiKey.Length > 0
            ? new UpstreamCredentials(RemoveClientKey: true, ReplacementKey: peer.ApiKey)
            : new UpstreamCredentials(RemoveClientKey: dispatch.Table.Keys.Enabled, ReplacementKey: null);
        var target = UpstreamUri.Combine(peer.Proxy, dispatch.UpstreamPath, dispatch.Query);
        var result = await forwarder.ForwardAsync(
            new ForwardRequest(dispatch.Context, target, dispatch.Content, dispatch.Model.Target, peer.Timeouts, credentials, Peer: true, scope, timing, dispatch.Fallback,
                dispatch.HideBackendAs),
            cancellationToken).ConfigureAwait(false);
        return await CancelledOrOutcomeAsync(dispatch, result, scope, timing).ConfigureAwait(false);
    }

    /// <summary>For forwards without a lease: a cancelled one answers 500 before any byte, or is cut off after.</summary>
    private static async Task<DispatchOutcome> CancelledOrOutcomeAsync(Dispatch dispatch, ForwardResult result, RequestActivityScope? scope, RequestTiming timing)
    {
        if (result.End != ForwardEnd.Cancelled)
            return Outcome(result, scope);
        if (!dispatch.Context.Response.HasStarted)
            return new(await FailAsync(dispatch.Context, scope, timing, ProxyError.Unspecific("request cancelled")).ConfigureAwait(false));
        dispatch.Context.Abort();
        return new(result.StatusCode);
    }

    private static DispatchOutcome Outcome(ForwardResult result, RequestActivityScope? scope)
    {
        if (result is not { End: ForwardEnd.Deferred, Error: { } error })
            return new(result.StatusCode);
        scope?.Failed(error.StatusCode, error.Message);
        return new(result.StatusCode, error);
    }

    /// <summary>Writes the error, or hands it back untouched when another backend can still answer.</summary>
    private static async Task<DispatchOutcome> FailOrDeferAsync(Dispatch dispatch, RequestActivityScope? scope, RequestTiming timing, ProxyError error)
    {
        if (dispatch.Fallback != FallbackScope.None && !dispatch.Context.Response.HasStarted)
        {
            scope?.Failed(error.StatusCode, error.Message);
            return new(error.StatusCode, error);
        }

        return new(await FailAsync(dispatch.Context, scope, timing, error).ConfigureAwait(false));
    }

    internal static async Task<int> FailAsync(HttpContext context, RequestActivityScope? scope, RequestTiming? timing, ProxyError error)
    {
        scope?.Failed(error.StatusCode, error.Message);
        var started = context.Response.HasStarted;
        try
        {
            await ProxyErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return UpstreamForwarder.ClientClosedRequest;
        }

        timing?.FirstByte(error.StatusCode);
        return started ? context.Response.StatusCode : error.StatusCode;
    }

    [LoggerMessage(1, LogLevel.Warning, "request for model {Model} cut short: {Reason}")]
    private static partial void LogCutShort(ILogger logger, string model, string reason);
}

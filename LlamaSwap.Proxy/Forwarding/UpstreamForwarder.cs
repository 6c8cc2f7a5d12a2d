using System.Buffers;
using System.Net;
using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Telemetry;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>
/// Sends one request upstream and streams the answer back to the client as it arrives.
/// </summary>
/// <remarks>
/// <code>
///  client ──► (1) build request: method, path+query, headers minus hop-by-hop and credentials, body streamed
///         ──► (2) SendAsync, returning at the response headers (timeouts.responseHeader bounds only this wait)
///  client ◄── (3) status + headers (X-Accel-Buffering: no for event streams), flushed at once
///  client ◄── (4) each upstream read: written and flushed on its own, never coalesced or buffered
/// </code>
/// The caller's token (client gone, lease revoked, cancelled) cancels the upstream exchange at any step;
/// disposing the unfinished response closes the upstream connection, which is how the upstream learns
/// the client left. Failures before the response started become JSON errors (never an empty 502); an
/// upstream that breaks off mid-body aborts the client connection, so the client sees a truncated
/// response instead of a clean end.
/// </remarks>
internal sealed partial class UpstreamForwarder(UpstreamClientPool pool, ProxyTelemetry telemetry, ILogger<UpstreamForwarder> logger)
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The status recorded when the client left before an answer (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    public async Task<ForwardResult> ForwardAsync(ForwardRequest forward, CancellationToken cancellationToken)
    {
        var context = forward.Context;
        using var activity = telemetry.StartForward(forward.Model, forward.Target);
        using var message = new HttpRequestMessage(new HttpMethod(context.Request.Method), forward.Target)
        {
            Content = forward.Content,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        RequestHeaderCopier.Copy(context, message, forward.Credentials, forward.Peer);

        // :: Step 2: send, bounding only the wait for response headers.
        HttpResponseMessage response;
        using (var headerWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            if (forward.Timeouts.ResponseHeader is { } headerTimeout)
                headerWait.CancelAfter(headerTimeout);
            try
            {
                response = await pool.For(forward.Timeouts).SendAsync(message, headerWait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Ended(activity, context, 0, cancellationToken);
            }
            catch (OperationCanceledException) when (forward.Timeouts.ResponseHeader is { } timeout)
            {
                return await FailAsync(activity, forward, ProxyError.UpstreamTimeout(forward.Model, timeout)).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                LogUnreachable(logger, forward.Model, forward.Target, e.Message);
                var error = forward.Peer
                    ? ProxyError.PeerError(e.Message)
                    : ProxyError.UpstreamUnreachable(forward.Model, forward.Target, e.Message);
                return await FailAsync(activity, forward, error).ConfigureAwait(false);
            }
        }

        using (response)
        {
            // :: Step 3: status and headers, unless a loading stream already answered 200.
            var status = (int)response.StatusCode;
            var http = context.Response;
            if (forward.Fallback == FallbackScope.Any && !http.HasStarted && IsWorthAnotherBackend(status))
            {
                activity?.SetTag(ProxyTelemetry.Tags.Outcome, "fallback");
                RequestTiming.SetStatus(activity, status);
                return new ForwardResult(status, ForwardEnd.Deferred, new ProxyError(status, $"upstream of {forward.Model} answered {status} {response.ReasonPhrase}"));
            }

            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var rewriter = forward.HideBackendAs is { } shownModel ? ResponseModelRewriter.For(response.Content.Headers.ContentType, shownModel) : null;
            if (!http.HasStarted)
            {
                ResponseHeaderCopier.Copy(response, http);
                if (forward.HideBackendAs is not null)
                    HideBackendHeaders(http.Headers, forward.Model, rewritten: rewriter is not null);
                forward.Scope?.ResponseStarted(status, http.Headers);
            }
            else
            {
                status = http.StatusCode;
                forward.Scope?.ResponseStarted((int)response.StatusCode, http.Headers);
            }

            RequestTiming.SetStatus(activity, status);
            try
            {
                await http.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                forward.Timing.FirstByte(status);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                return Ended(activity, context, status, cancellationToken);
            }

            // :: Step 4: the body, chunk by chunk.
            return await CopyBodyAsync(activity, forward, response, status, rewriter, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ForwardResult> CopyBodyAsync(System.Diagnostics.Activity? activity, ForwardRequest forward, HttpResponseMessage response, int status,
        ResponseModelRewriter? rewriter, CancellationToken cancellationToken)
    {
        var context = forward.Context;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            Stream upstream;
            try
            {
                upstream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                return UpstreamBrokeOrCancelled(activity, forward, status, e, cancellationToken);
            }

            await using (upstream.ConfigureAwait(false))
            {
                while (true)
                {
                    int read;
                    try
                    {
                        read = await upstream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
                    {
                        return UpstreamBrokeOrCancelled(activity, forward, status, e, cancellationToken);
                    }

                    var chunk = rewriter is null ? buffer.AsMemory(0, read)
                        : read == 0 ? rewriter.Flush()
                        : rewriter.Transform(buffer.AsSpan(0, read));
                    if (read == 0 && chunk.IsEmpty)
                        return new ForwardResult(status, ForwardEnd.Completed);

                    forward.Scope?.ResponseChunk(chunk.Span);
                    try
                    {
                        await context.Response.Body.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is OperationCanceledException or IOException)
                    {
                        return Ended(activity, context, status, cancellationToken);
                    }

                    if (read == 0)
                        return new ForwardResult(status, ForwardEnd.Completed);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ForwardResult UpstreamBrokeOrCancelled(System.Diagnostics.Activity? activity, ForwardRequest forward, int status, Exception exception,
        CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Ended(activity, forward.Context, status, cancellationToken);

        LogUpstreamBroke(logger, forward.Model, exception.Message);
        activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "upstream disconnected mid-response");
        forward.Scope?.Failed(502, $"upstream disconnected mid-response: {exception.Message}");
        forward.Context.Abort();
        return new ForwardResult(status, ForwardEnd.UpstreamBroke);
    }

    /// <param name="status">The status already sent, or 0 when nothing was.</param>
    private static ForwardResult Ended(System.Diagnostics.Activity? activity, HttpContext context, int status, CancellationToken cancellationToken)
    {
        if (context.RequestAborted.IsCancellationRequested || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetTag(ProxyTelemetry.Tags.Outcome, "client_gone");
            return new ForwardResult(status == 0 ? ClientClosedRequest : status, ForwardEnd.ClientGone);
        }

        activity?.SetTag(ProxyTelemetry.Tags.Outcome, "cancelled");
        return new ForwardResult(status, ForwardEnd.Cancelled);
    }

    /// <summary>
    /// Takes out what names the upstream (a rule's <c>hideBackend</c>): its server software, and any header whose
    /// value is the backend's model id. A body whose model name is rewritten changes length, so it goes chunked.
    /// </summary>
    private static void HideBackendHeaders(IHeaderDictionary headers, string backendModel, bool rewritten)
    {
        foreach (var name in headers.Keys.ToList())
        {
            if (name.Equals("Server", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Powered-By", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Via", StringComparison.OrdinalIgnoreCase)
                || headers[name].Any(v => string.Equals(v, backendModel, StringComparison.OrdinalIgnoreCase)))
                headers.Remove(name);
        }

        if (rewritten)
            headers.ContentLength = null;
    }

    /// <summary>An answer another backend may do better on: overload (429) or a server-side failure (5xx).</summary>
    internal static bool IsWorthAnotherBackend(int status) => status is 429 or >= 500;

    private static async Task<ForwardResult> FailAsync(System.Diagnostics.Activity? activity, ForwardRequest forward, ProxyError error)
    {
        if (forward.Fallback != FallbackScope.None && !forward.Context.Response.HasStarted)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error.Message);
            activity?.SetTag(ProxyTelemetry.Tags.Outcome, "fallback");
            return new ForwardResult(error.StatusCode, ForwardEnd.Deferred, error);
        }

        activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error.Message);
        RequestTiming.SetStatus(activity, error.StatusCode);
        forward.Scope?.Failed(error.StatusCode, error.Message);
        var started = forward.Context.Response.HasStarted;
        await ProxyErrorWriter.WriteAsync(forward.Context, error).ConfigureAwait(false);
        forward.Timing.FirstByte(error.StatusCode);
        return new ForwardResult(started ? forward.Context.Response.StatusCode : error.StatusCode, ForwardEnd.Failed);
    }

    [LoggerMessage(1, LogLevel.Warning, "upstream of {Model} at {Target} unreachable: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string model, Uri target, string error);

    [LoggerMessage(2, LogLevel.Warning, "upstream of {Model} disconnected mid-response: {Error}; client connection aborted")]
    private static partial void LogUpstreamBroke(ILogger logger, string model, string error);
}

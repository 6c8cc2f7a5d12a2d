using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Telemetry;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>One upstream exchange to make for a client request.</summary>
/// <param name="Model">The model id (or <c>peer/model</c>) for errors, logs and telemetry.</param>
/// <param name="Peer">A peer, not a local upstream: errors are worded as peer errors.</param>
/// <param name="Fallback">Which failures before any byte are handed back (<see cref="ForwardEnd.Deferred"/>) for another backend.</param>
/// <param name="HideBackendAs">Answer as this model: its name replaces the upstream's, and the upstream's server headers go.</param>
internal sealed record ForwardRequest(
    HttpContext Context,
    Uri Target,
    HttpContent? Content,
    string Model,
    UpstreamTimeouts Timeouts,
    UpstreamCredentials Credentials,
    bool Peer,
    RequestActivityScope? Scope,
    RequestTiming Timing,
    FallbackScope Fallback = FallbackScope.None,
    string? HideBackendAs = null);

/// <summary>What a forward (or a dispatch) hands back instead of writing, so a routing rule can try another backend.</summary>
internal enum FallbackScope
{
    /// <summary>Nothing: every failure is answered to the client (a request no rule routes).</summary>
    None,

    /// <summary>
    /// Failures without an upstream answer (unreachable, header timeout, no slot, a start failure); an upstream's own
    /// error answer reaches the client with its body (a rule's last choice).
    /// </summary>
    Unanswered,

    /// <summary>Also an upstream's 5xx or 429 answer (every choice of a rule but the last).</summary>
    Any,
}

/// <summary>How a forward ended.</summary>
internal enum ForwardEnd
{
    /// <summary>The upstream's whole response reached the client.</summary>
    Completed,

    /// <summary>The Proxy answered with an error of its own (unreachable upstream, header timeout).</summary>
    Failed,

    /// <summary>The client went away.</summary>
    ClientGone,

    /// <summary>The caller's token fired for another reason (lease revoked, cancelled through the API, shutdown).</summary>
    Cancelled,

    /// <summary>The upstream broke off mid-response; the client's connection was aborted.</summary>
    UpstreamBroke,

    /// <summary>Nothing reached the client and another backend may answer: <see cref="ForwardResult.Error"/> says why.</summary>
    Deferred,
}

internal readonly record struct ForwardResult(int StatusCode, ForwardEnd End, Errors.ProxyError? Error = null);

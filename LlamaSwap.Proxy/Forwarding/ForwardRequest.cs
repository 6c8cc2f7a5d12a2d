using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Telemetry;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>One upstream exchange to make for a client request.</summary>
/// <param name="Model">The model id (or <c>peer/model</c>) for errors, logs and telemetry.</param>
/// <param name="Peer">A peer, not a local upstream: errors are worded as peer errors.</param>
/// <param name="CanFallBack">
/// Another backend can take the request over: a failure before any byte (unreachable, header timeout, a 5xx or 429
/// answer) is handed back as <see cref="ForwardEnd.Deferred"/> instead of being written to the client.
/// </param>
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
    bool CanFallBack = false,
    string? HideBackendAs = null);

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

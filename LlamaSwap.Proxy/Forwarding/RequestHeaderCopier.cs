using System.Net.Http.Headers;
using LlamaSwap.Proxy.Auth;
using Microsoft.Net.Http.Headers;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>Builds the upstream request's headers from the client's.</summary>
internal static class RequestHeaderCopier
{
    /// <summary>Set by the HTTP client for our own span, so the upstream joins the Proxy's trace.</summary>
    private static readonly HashSet<string> TraceHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "traceparent", "tracestate", "baggage", "Request-Id", "Correlation-Context",
    };

    private static readonly HashSet<string> ForwardingHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix",
    };

    /// <param name="peer">Peers get no forwarding headers (and inbound ones are dropped), as in llama-swap.</param>
    public static void Copy(HttpContext context, HttpRequestMessage upstream, UpstreamCredentials credentials, bool peer)
    {
        var request = context.Request;
        var connectionTokens = HopByHopHeaders.ConnectionTokens(request.Headers.Connection);
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHopHeaders.IsHopByHop(name, connectionTokens)
                || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.Expect, StringComparison.OrdinalIgnoreCase)
                || name.StartsWith(':')
                || TraceHeaders.Contains(name)
                || (peer && ForwardingHeaders.Contains(name))
                || (credentials.RemoveClientKey && IsCredential(name)))
                continue;
            upstream.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        if (credentials.ReplacementKey is { } key)
        {
            upstream.Headers.Remove(HeaderNames.Authorization);
            upstream.Headers.Remove(ApiKeyExtractor.ApiKeyHeader);
            upstream.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            upstream.Headers.TryAddWithoutValidation(ApiKeyExtractor.ApiKeyHeader, key);
        }

        if (!peer && context.Connection.RemoteIpAddress is { } client)
        {
            var prior = request.Headers["X-Forwarded-For"].ToString();
            upstream.Headers.Remove("X-Forwarded-For");
            upstream.Headers.TryAddWithoutValidation("X-Forwarded-For", prior.Length > 0 ? $"{prior}, {client}" : client.ToString());
        }
    }

    private static bool IsCredential(string name) =>
        name.Equals(HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ApiKeyExtractor.ApiKeyHeader, StringComparison.OrdinalIgnoreCase);
}

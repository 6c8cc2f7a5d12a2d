using System.Net.Http.Headers;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>Copies an upstream response's status and headers to the client's response.</summary>
internal static class ResponseHeaderCopier
{
    public const string EventStream = "text/event-stream";
    public const string AccelBufferingHeader = "X-Accel-Buffering";

    public static void Copy(HttpResponseMessage upstream, HttpResponse response)
    {
        response.StatusCode = (int)upstream.StatusCode;
        var connectionTokens = HopByHopHeaders.ConnectionTokens(
            upstream.Headers.TryGetValues("Connection", out var connection) ? string.Join(',', connection) : null);
        CopyHeaders(upstream.Headers, response, connectionTokens);
        CopyHeaders(upstream.Content.Headers, response, connectionTokens);

        // Reverse proxies in front of us (nginx) must not buffer a stream either.
        if (upstream.Content.Headers.ContentType?.MediaType?.Equals(EventStream, StringComparison.OrdinalIgnoreCase) == true)
            response.Headers[AccelBufferingHeader] = "no";
    }

    private static void CopyHeaders(HttpHeaders headers, HttpResponse response, IReadOnlyCollection<string> connectionTokens)
    {
        foreach (var (name, values) in headers.NonValidated)
        {
            if (HopByHopHeaders.IsHopByHop(name, connectionTokens))
                continue;
            response.Headers[name] = values.Count == 1 ? values.ToString() : values.ToArray();
        }
    }
}

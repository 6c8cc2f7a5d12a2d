namespace LlamaSwap.Proxy.Forwarding;

/// <summary>Joins a request path onto an upstream base URL, keeping the base's own path (a peer's <c>/api</c>).</summary>
internal static class UpstreamUri
{
    /// <param name="escapedPath">The path as it goes on the wire (already percent-encoded), starting with '/'.</param>
    public static Uri Combine(string baseUrl, string escapedPath, QueryString query)
    {
        var baseUri = new Uri(baseUrl, UriKind.Absolute);
        var basePath = baseUri.AbsolutePath.TrimEnd('/');
        // Built as a string: UriBuilder would re-escape the '%' of an encoded separator such as %2F.
        return new Uri(baseUri.GetLeftPart(UriPartial.Authority) + basePath + escapedPath + query.Value, UriKind.Absolute);
    }
}

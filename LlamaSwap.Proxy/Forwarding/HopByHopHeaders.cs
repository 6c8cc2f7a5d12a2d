namespace LlamaSwap.Proxy.Forwarding;

/// <summary>Headers that describe one connection or one hop, not the message, and so are never forwarded.</summary>
internal static class HopByHopHeaders
{
    public static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    /// <summary>True for a hop-by-hop header, or one the request's <c>Connection</c> header names.</summary>
    public static bool IsHopByHop(string name, IReadOnlyCollection<string> connectionTokens) =>
        Names.Contains(name) || connectionTokens.Contains(name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> ConnectionTokens(string? connection) =>
        string.IsNullOrEmpty(connection)
            ? []
            : connection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

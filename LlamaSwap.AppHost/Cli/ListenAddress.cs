namespace LlamaSwap.AppHost.Cli;

/// <summary>
/// Parses llama-swap style listen addresses: <c>localhost:8080</c>, <c>127.0.0.1:0</c>,
/// <c>[::1]:8080</c>, or <c>:8080</c> (every interface, as in llama-swap).
/// </summary>
internal static class ListenAddress
{
    public static bool TryParse(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), out port) || port is < 0 or > 65535)
            return false;
        host = value[..colon];
        if (host.Length == 0)
            host = "0.0.0.0";
        return true;
    }

    public static bool IsLoopback(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);
}

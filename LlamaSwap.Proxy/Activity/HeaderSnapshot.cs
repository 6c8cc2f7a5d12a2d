namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Headers as the activity views show them: one value per header (the first), with credentials
/// (<c>authorization</c>, <c>proxy-authorization</c>, <c>cookie</c>, <c>set-cookie</c>, <c>x-api-key</c>)
/// replaced by <c>[REDACTED]</c>.
/// </summary>
internal static class HeaderSnapshot
{
    public const string Redacted = "[REDACTED]";

    private static readonly HashSet<string> Sensitive = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    };

    public static bool IsSensitive(string name) => Sensitive.Contains(name);

    public static Dictionary<string, string> Take(IHeaderDictionary headers)
    {
        var result = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            if (values.Count == 0)
                continue;
            result[name] = IsSensitive(name) ? Redacted : values[0] ?? "";
        }

        return result;
    }
}

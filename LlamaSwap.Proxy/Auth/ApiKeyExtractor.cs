using System.Net.Http.Headers;
using System.Text;

namespace LlamaSwap.Proxy.Auth;

/// <summary>
/// Finds the key a client presented, in llama-swap's order: <c>Authorization: Basic</c> (the password,
/// any user name), then <c>Authorization: Bearer</c>, then <c>x-api-key</c>. Scheme names are
/// case-insensitive; a malformed Basic value falls through to <c>x-api-key</c>.
/// </summary>
internal static class ApiKeyExtractor
{
    public const string ApiKeyHeader = "x-api-key";

    public static string? Extract(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        if (AuthenticationHeaderValue.TryParse(authorization, out var value) && value.Parameter is { } parameter)
        {
            if (value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && TryDecodeBasicPassword(parameter) is { } password)
                return password;
            if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
                return parameter;
        }

        var apiKey = headers[ApiKeyHeader].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }

    private static string? TryDecodeBasicPassword(string parameter)
    {
        Span<byte> decoded = stackalloc byte[parameter.Length];
        if (!Convert.TryFromBase64String(parameter, decoded, out var length))
            return null;
        var text = Encoding.UTF8.GetString(decoded[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : text[(colon + 1)..];
    }
}

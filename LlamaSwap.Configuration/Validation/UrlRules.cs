namespace LlamaSwap.Configuration.Validation;

internal static class UrlRules
{
    /// <summary>Upstreams and peers are reached over HTTP, so their base URL must be an absolute http(s) URL.</summary>
    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

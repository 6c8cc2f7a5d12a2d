using System.Net;
using System.Text.Json;

namespace LlamaSwap.Proxy.Errors;

/// <summary>
/// Writes a <see cref="ProxyError"/> in the form the client can parse: plain text or HTML when the
/// <c>Accept</c> header asks for it, the Anthropic error object on <c>/v1/messages</c>, otherwise
/// llama-swap's OpenAI-compatible envelope. Never an empty body.
/// </summary>
internal static class ProxyErrorWriter
{
    public static async Task WriteAsync(HttpContext context, ProxyError error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Headers are gone (a loading stream already answered 200): the envelope goes into the body.
            await response.Body.WriteAsync(JsonEnvelope(error), context.RequestAborted);
            return;
        }

        response.StatusCode = error.StatusCode;
        if (error.StatusCode == 429)
            response.Headers.RetryAfter = "1";
        if (error.StatusCode == 401)
            response.Headers.WWWAuthenticate = "Basic realm=\"llama-swap\"";

        var (contentType, body) = Render(context.Request, error);
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    internal static (string ContentType, byte[] Body) Render(HttpRequest request, ProxyError error)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains("text/plain", StringComparison.OrdinalIgnoreCase))
            return ("text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes($"{ErrorEnvelope.Source}: {error.Message}"));
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            return ("text/html; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(
                $"<html><body><h1>{ErrorEnvelope.Source}</h1><p>{WebUtility.HtmlEncode(error.Message)}</p></body></html>"));
        if (IsAnthropicPath(request.Path))
            return ("application/json", AnthropicEnvelope(error));
        return ("application/json", JsonEnvelope(error));
    }

    internal static bool IsAnthropicPath(PathString path) =>
        path.StartsWithSegments("/v1/messages") || path.StartsWithSegments("/v/messages");

    internal static byte[] JsonEnvelope(ProxyError error)
    {
        var (type, defaultCode) = ErrorEnvelope.OpenAiKind(error.StatusCode);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("src", ErrorEnvelope.Source);
            json.WriteStartObject("error");
            json.WriteString("message", error.Message);
            json.WriteString("type", type);
            json.WriteNull("param");
            json.WriteString("code", error.Code ?? defaultCode);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static byte[] AnthropicEnvelope(ProxyError error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteStartObject("error");
            json.WriteString("type", ErrorEnvelope.AnthropicType(error.StatusCode));
            json.WriteString("message", error.Message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

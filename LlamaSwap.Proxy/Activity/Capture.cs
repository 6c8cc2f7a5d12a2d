using System.Text.Json.Serialization;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// A stored request/response pair, as <c>GET /api/captures/{id}</c> returns it: bodies are base64 strings,
/// and what the path's mask leaves out (or a failed request's response body) is null.
/// </summary>
internal sealed record Capture(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("req_path")] string Path,
    [property: JsonPropertyName("req_headers")] IReadOnlyDictionary<string, string>? RequestHeaders,
    [property: JsonPropertyName("req_body")] byte[]? RequestBody,
    [property: JsonPropertyName("resp_headers")] IReadOnlyDictionary<string, string>? ResponseHeaders,
    [property: JsonPropertyName("resp_body")] byte[]? ResponseBody);

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaSwap.Proxy.Filters;

/// <summary>
/// Rewrites a whole JSON request body in llama-swap's order: the model name (useModelName or the
/// resolved name), then <c>stripParams</c>, then <c>setParams</c>, then <c>setParamsByID</c>. Property
/// order and number spelling of everything not touched are preserved.
/// </summary>
internal static class JsonBodyFilter
{
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static byte[] Apply(ReadOnlySpan<byte> body, string? model, ParamFilters filters)
    {
        var root = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the request body is not a JSON object");
        if (model is not null)
            root["model"] = model;
        foreach (var path in filters.Strip)
            Remove(root, path);
        foreach (var (path, value) in filters.Set)
            Set(root, path, value);
        if (filters.SetById is { } byId)
        {
            foreach (var (path, value) in byId)
                Set(root, path, value);
        }

        return JsonSerializer.SerializeToUtf8Bytes(root, WriteOptions);
    }

    private static void Remove(JsonObject root, string path)
    {
        var parts = path.Split('.');
        JsonObject? current = root;
        for (var i = 0; i < parts.Length - 1 && current is not null; i++)
            current = current[parts[i]] as JsonObject;
        current?.Remove(parts[^1]);
    }

    private static void Set(JsonObject root, string path, JsonElement value)
    {
        var parts = path.Split('.');
        var current = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (current[parts[i]] is not JsonObject next)
            {
                next = [];
                current[parts[i]] = next;
            }

            current = next;
        }

        current[parts[^1]] = JsonNode.Parse(value.GetRawText());
    }
}

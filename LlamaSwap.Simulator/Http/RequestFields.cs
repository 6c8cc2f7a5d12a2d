using System.Text.Json;

namespace LlamaSwap.Simulator.Http;

/// <summary>Typed reads of optional request fields; a field of the wrong type is a 400 naming it.</summary>
internal static class RequestFields
{
    public static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw SimulatorRequestException.BadRequest($"'{name}' must be a string, not {Kind(value)}", name);
    }

    public static bool OptionalBool(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw SimulatorRequestException.BadRequest($"'{name}' must be a boolean, not {Kind(value)}", name),
        };
    }

    public static int? OptionalInt(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw SimulatorRequestException.BadRequest($"'{name}' must be an integer, not {Kind(value)} {value.GetRawText()}", name);
    }

    /// <summary>
    /// The first token cap present among <paramref name="names"/>. Negative values mean "no limit", as
    /// llama-server's <c>n_predict: -1</c> does.
    /// </summary>
    public static int? TokenCap(JsonElement root, ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (OptionalInt(root, name) is { } cap)
                return cap < 0 ? null : cap;
        }

        return null;
    }

    public static bool IncludeUsage(JsonElement root) =>
        root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
        && OptionalBool(options, "include_usage");

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}

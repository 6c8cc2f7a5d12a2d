using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Listing;

/// <summary><c>GET /api/profiles</c> and the body rules of <c>PUT /api/profiles/active</c>.</summary>
internal static class ProfileList
{
    public const string InvalidRequest = "invalid profile request";
    public const string NameRequired = "profile name is required";
    public const string NameNotString = "profile name must be a string or null";

    public static ProfilesResponse Build(LlamaSwapConfig config, string? active) =>
        new(active, [.. config.Profiles.Values.Select(p => new ProfileEntry(p.Name, p.Description, p.Pins))]);

    public static string NotFound(string name) => $"profile \"{name}\" not found";

    /// <summary>
    /// Reads <c>{"name":"x"}</c> or <c>{"name":null}</c>. An empty name clears the profile like null does.
    /// </summary>
    /// <returns>The requested name (null = none), or the error message to answer 400 with.</returns>
    public static (string? Name, string? Error) ParseActiveRequest(ReadOnlySpan<byte> body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, InvalidRequest);
        }

        if (root.ValueKind != JsonValueKind.Object)
            return (null, InvalidRequest);
        if (!root.TryGetProperty("name", out var name))
            return (null, NameRequired);
        return name.ValueKind switch
        {
            JsonValueKind.Null => (null, null),
            JsonValueKind.String => (name.GetString() is { Length: > 0 } text ? text : null, null),
            _ => (null, NameNotString),
        };
    }
}

internal sealed record ProfilesResponse(
    [property: JsonPropertyName("active")] string? Active,
    [property: JsonPropertyName("profiles")] IReadOnlyList<ProfileEntry> Profiles);

internal sealed record ProfileEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("pins")] ImmutableSortedDictionary<string, string> Pins);

internal sealed record ActiveProfileResponse([property: JsonPropertyName("active")] string? Active);

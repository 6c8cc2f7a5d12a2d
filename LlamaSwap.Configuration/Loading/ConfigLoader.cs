namespace LlamaSwap.Configuration;

/// <summary>Reads, merges, expands and validates configuration sources.</summary>
public static class ConfigLoader
{
    /// <param name="environment">Variables for <c>${env.X}</c>; null reads the process environment.</param>
    public static ConfigLoadResult Load(ConfigSource source, IReadOnlyDictionary<string, string>? environment = null) =>
        throw new NotImplementedException();

    /// <summary>Loads one in-memory document; <paramref name="fileName"/> only labels diagnostics.</summary>
    public static ConfigLoadResult LoadText(string yaml, string fileName = "models.yaml", IReadOnlyDictionary<string, string>? environment = null) =>
        throw new NotImplementedException();
}

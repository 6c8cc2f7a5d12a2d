namespace LlamaSwap.Configuration;

/// <summary>
/// How a service learns where its configuration is: the AppHost sets <c>LlamaSwap__ConfigFile</c>
/// and <c>LlamaSwap__ConfigDirectory</c>, read through ASP.NET configuration as the keys below.
/// </summary>
public static class ConfigSourceSettings
{
    public const string FileKey = "LlamaSwap:ConfigFile";
    public const string DirectoryKey = "LlamaSwap:ConfigDirectory";

    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The configured source, or null when neither key is set.</summary>
    public static ConfigSource? Read(Func<string, string?> lookup)
    {
        var file = lookup(FileKey);
        var directory = lookup(DirectoryKey);
        return string.IsNullOrWhiteSpace(file) && string.IsNullOrWhiteSpace(directory)
            ? null
            : new ConfigSource(NullIfBlank(file), NullIfBlank(directory));
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;

namespace LlamaSwap.Proxy.Listing;

/// <summary>
/// <c>/api/version</c>: the version and commit from the assembly's informational version
/// (<c>1.2.3+&lt;commit&gt;</c>, as the SDK stamps it from git), and the build date from an
/// <c>AssemblyMetadata("BuildDate", …)</c> attribute when the build sets one, else the assembly file's
/// write time.
/// </summary>
internal sealed record BuildInfo(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("commit")] string Commit,
    [property: JsonPropertyName("build_date")] string BuildDate)
{
    public const string Unknown = "unknown";

    public static BuildInfo Current { get; } = From(typeof(BuildInfo).Assembly);

    public static BuildInfo From(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? Unknown;
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? Unknown : informational[(plus + 1)..];

        var buildDate = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildDate")?.Value;
        if (string.IsNullOrEmpty(buildDate) && !string.IsNullOrEmpty(assembly.Location) && File.Exists(assembly.Location))
            buildDate = File.GetLastWriteTimeUtc(assembly.Location).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return new BuildInfo(version, commit, string.IsNullOrEmpty(buildDate) ? Unknown : buildDate);
    }
}

using LlamaSwap.Configuration;

namespace LlamaSwap.Tests.Configuration;

/// <summary>Loading helpers: YAML in, config or diagnostics out, with failure messages that show every diagnostic.</summary>
internal static class ConfigTestHelpers
{
    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public static ConfigLoadResult Load(string yaml, IReadOnlyDictionary<string, string>? environment = null) =>
        ConfigLoader.LoadText(yaml, "models.yaml", environment ?? NoEnvironment);

    /// <summary>Loads and asserts success; warnings are allowed.</summary>
    public static LlamaSwapConfig LoadValid(string yaml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = Load(yaml, environment);
        Assert.True(result.Succeeded, "expected the config to load, got:\n" + Describe(result));
        return result.Config;
    }

    /// <summary>Loads, asserts failure, and asserts that one error renders exactly as <paramref name="expected"/>.</summary>
    public static ConfigLoadResult AssertError(string yaml, string expected, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = Load(yaml, environment);
        Assert.False(result.Succeeded, "expected errors, the config loaded:\n" + Describe(result));
        Assert.True(result.Errors.Any(e => e.ToString() == expected), $"expected error\n  {expected}\ngot:\n{Describe(result)}");
        return result;
    }

    /// <summary>Asserts one warning renders exactly as <paramref name="expected"/> (the load may still succeed).</summary>
    public static ConfigLoadResult AssertWarning(string yaml, string expected)
    {
        var result = Load(yaml);
        Assert.True(result.Warnings.Any(e => e.ToString() == expected), $"expected warning\n  {expected}\ngot:\n{Describe(result)}");
        return result;
    }

    public static string Describe(ConfigLoadResult result) =>
        result.Diagnostics.IsEmpty ? "  (no diagnostics)" : string.Join('\n', result.Diagnostics.Select(d => $"  {d.Severity}: {d}"));

    /// <summary>Builds YAML from lines so tests can state exact line numbers without leading-whitespace surprises.</summary>
    public static string Yaml(params string[] lines) => string.Join('\n', lines) + "\n";
}

using System.Collections;
using System.Text.RegularExpressions;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary>
/// Substitutes <c>${env.NAME}</c> in the raw text of one source, before it is parsed, so values may form
/// YAML syntax (<c>apiKeys: [${env.KEYS}]</c>). Only uses outside YAML comments count: the text is parsed
/// once to find them; when it does not parse, every occurrence counts.
/// </summary>
internal static partial class EnvMacroExpander
{
    /// <param name="unresolved">Receives the names reported as unusable; their references stay in the text so
    /// later stages see a macro (not an empty value) and do not pile up follow-on errors.</param>
    public static string Expand(
        string text, string file, IReadOnlyDictionary<string, string> environment, ISet<string> unresolved, DiagnosticBag diagnostics)
    {
        var uses = FindUses(text, file);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, at, path) in uses)
        {
            if (!environment.TryGetValue(name, out var value))
            {
                diagnostics.Error(at, path, $"environment variable '{name}' is not set");
                unresolved.Add(name);
            }
            else if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
            {
                diagnostics.Error(at, path, $"environment variable '{name}' contains newlines or null bytes, which cannot be substituted");
                unresolved.Add(name);
            }
            else
            {
                // Escaped so the value survives inside a double-quoted YAML string.
                values[name] = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            }
        }

        return values.Count == 0
            ? text
            : EnvPattern().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
    }

    /// <summary>Finds leftover <c>${env.NAME}</c> references in a string (e.g. brought in by a macro).</summary>
    public static IEnumerable<string> Names(string value) => EnvPattern().Matches(value).Select(m => m.Groups[1].Value);

    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return result;
    }

    private static List<(string Name, SourceMark At, string Path)> FindUses(string text, string file)
    {
        var uses = new List<(string, SourceMark, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (YamlDocumentReader.TryRead(text, file) is { } root)
        {
            foreach (var (scalar, path, _) in YamlWalker.Scalars(root, ""))
            {
                foreach (Match match in EnvPattern().Matches(scalar.Value))
                {
                    if (seen.Add(match.Groups[1].Value))
                    {
                        uses.Add((match.Groups[1].Value, scalar.Start, path));
                    }
                }
            }

            return uses;
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match match in EnvPattern().Matches(lines[i]))
            {
                if (seen.Add(match.Groups[1].Value))
                {
                    uses.Add((match.Groups[1].Value, new SourceMark(file, i + 1, match.Index + 1), ""));
                }
            }
        }

        return uses;
    }

    [GeneratedRegex(@"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvPattern();
}

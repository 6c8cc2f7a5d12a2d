using System.Collections.Immutable;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>Typed reads of single nodes; a wrong type is reported at the node and yields null so decoding goes on.</summary>
internal static class Values
{
    private static readonly string[] TrueWords = ["true", "yes", "on", "y"];
    private static readonly string[] FalseWords = ["false", "no", "off", "n"];

    public static long? Long(YamlNode node, string path, DiagnosticBag diagnostics)
    {
        if (node is YamlScalar scalar && scalar.TryGetInt64(out var value))
        {
            return value;
        }

        diagnostics.Error(node, path, $"must be an integer (got {Describe(node)})");
        return null;
    }

    public static int? Int(YamlNode node, string path, DiagnosticBag diagnostics) =>
        Long(node, path, diagnostics) is { } value
            ? value is >= int.MinValue and <= int.MaxValue ? (int)value : OutOfRange(node, path, diagnostics, value)
            : null;

    public static bool? Bool(YamlNode node, string path, DiagnosticBag diagnostics)
    {
        // Booleans spelt the YAML 1.1 way (yes/no/on/off) are accepted where a boolean is expected, as llama-swap does.
        if (node is YamlScalar { Type: ScalarType.Bool or ScalarType.String } scalar)
        {
            var word = scalar.Value.Trim().ToLowerInvariant();
            if (TrueWords.Contains(word))
            {
                return true;
            }

            if (FalseWords.Contains(word))
            {
                return false;
            }
        }

        diagnostics.Error(node, path, $"must be true or false (got {Describe(node)})");
        return null;
    }

    public static string? String(YamlNode node, string path, DiagnosticBag diagnostics)
    {
        if (node is YamlScalar scalar)
        {
            return scalar.Type == ScalarType.Null ? "" : scalar.Value;
        }

        diagnostics.Error(node, path, $"must be a string (got {node.KindName})");
        return null;
    }

    /// <summary>A list of strings; items of the wrong type are reported and skipped.</summary>
    public static ImmutableArray<(string Value, YamlNode Node, string Path)>? Strings(YamlNode node, string path, DiagnosticBag diagnostics)
    {
        if (node is not YamlSequence sequence)
        {
            diagnostics.Error(node, path, $"must be a list of strings (got {Describe(node)})");
            return null;
        }

        var items = ImmutableArray.CreateBuilder<(string, YamlNode, string)>();
        for (var i = 0; i < sequence.Items.Length; i++)
        {
            var itemPath = KeyPath.Index(path, i);
            if (String(sequence.Items[i], itemPath, diagnostics) is { } value)
            {
                items.Add((value, sequence.Items[i], itemPath));
            }
        }

        return items.ToImmutable();
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlScalar { Type: ScalarType.String } s => $"string \"{s.Value}\"",
        YamlScalar { Type: ScalarType.Null } => "null",
        YamlScalar s => $"{s.KindName} {s.Value}",
        _ => node.KindName,
    };

    private static int? OutOfRange(YamlNode node, string path, DiagnosticBag diagnostics, long value)
    {
        diagnostics.Error(node, path, $"must be an integer between {int.MinValue} and {int.MaxValue} (got {value})");
        return null;
    }
}

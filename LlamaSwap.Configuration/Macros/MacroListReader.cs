using System.Collections.Immutable;
using System.Text.RegularExpressions;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary>Reads a <c>macros:</c> block in declaration order, dropping (and reporting) invalid declarations.</summary>
internal static partial class MacroListReader
{
    private const int MaxNameLength = 63;
    private static readonly string[] Reserved = [Macro.Pid, Macro.Port, Macro.ModelId];

    public static ImmutableArray<Macro> Read(YamlNode? node, string path, DiagnosticBag diagnostics)
    {
        if (node is null || node.IsNull)
        {
            return [];
        }

        if (node is not YamlMapping mapping)
        {
            diagnostics.Error(node, path, $"must be a mapping of macro names to values (got {node.KindName})");
            return [];
        }

        var macros = ImmutableArray.CreateBuilder<Macro>();
        foreach (var entry in mapping.Entries)
        {
            if (Validate(entry, KeyPath.Child(path, entry.Name), diagnostics) is { } macro)
            {
                macros.Add(macro);
            }
        }

        return macros.ToImmutable();
    }

    private static Macro? Validate(YamlEntry entry, string path, DiagnosticBag diagnostics)
    {
        var name = entry.Name;
        if (name.Length > MaxNameLength)
        {
            diagnostics.Error(entry.Key, path, $"macro name '{name}' exceeds maximum length of {MaxNameLength} characters");
            return null;
        }

        if (!NamePattern().IsMatch(name))
        {
            diagnostics.Error(entry.Key, path, $"macro name '{name}' must match ^[a-zA-Z0-9_-]+$");
            return null;
        }

        if (Reserved.Contains(name))
        {
            diagnostics.Error(entry.Key, path, $"macro name '{name}' is reserved");
            return null;
        }

        if (entry.Value is not YamlScalar { Type: not ScalarType.Null } value)
        {
            diagnostics.Error(entry.Value, path,
                $"macro '{name}' has invalid type {entry.Value.KindName}, must be a scalar type (string, int, float, or bool)");
            return null;
        }

        if (value.IsString && value.Value.Contains(Macro.SlugOf(name), StringComparison.Ordinal))
        {
            diagnostics.Error(value, path, $"macro '{name}' contains self-reference");
            return null;
        }

        return new Macro(name, value);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex NamePattern();
}

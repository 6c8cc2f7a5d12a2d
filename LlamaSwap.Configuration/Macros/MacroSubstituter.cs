using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary>
/// Applies an ordered macro list to values. The list is applied last-declared first, which is what makes a
/// macro able to use macros declared before it and makes <c>MODEL_ID</c> (first in the list) resolve last.
/// A value that is exactly <c>${name}</c> takes the macro's type (so <c>ttl: ${T}</c> stays an integer).
/// </summary>
internal static class MacroSubstituter
{
    public static YamlNode Apply(YamlNode node, IReadOnlyList<Macro> macros) =>
        macros.Count == 0 ? node : YamlWalker.MapValues(node, scalar => Apply(scalar, macros));

    public static YamlScalar Apply(YamlScalar scalar, IReadOnlyList<Macro> macros)
    {
        var current = scalar;
        for (var i = macros.Count - 1; i >= 0 && current.IsString; i--)
        {
            var macro = macros[i];
            if (current.Value == macro.Slug)
            {
                current = current.WithTypedValue(macro.Value);
            }
            else if (current.Value.Contains(macro.Slug, StringComparison.Ordinal))
            {
                current = current.WithString(current.Value.Replace(macro.Slug, macro.Value.Render(), StringComparison.Ordinal));
            }
        }

        return current;
    }

    public static string ApplyToText(string text, IReadOnlyList<Macro> macros)
    {
        for (var i = macros.Count - 1; i >= 0; i--)
        {
            text = text.Replace(macros[i].Slug, macros[i].Value.Render(), StringComparison.Ordinal);
        }

        return text;
    }
}

using System.Collections.Immutable;
using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary><c>filters.setParamsByID</c> keys are the only map keys macros apply to (<c>${MODEL_ID}:high</c>).</summary>
internal static class ParamsByIdKeys
{
    public static YamlMapping Rewrite(YamlMapping model, string modelPath, Func<string, string> rewrite, DiagnosticBag diagnostics)
    {
        if (model[Keys.Filters] is not YamlMapping filters || filters[Keys.SetParamsById] is not YamlMapping byId)
        {
            return model;
        }

        var path = KeyPath.Child(KeyPath.Child(modelPath, Keys.Filters), Keys.SetParamsById);
        var entries = ImmutableArray.CreateBuilder<YamlEntry>();
        var originals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in byId.Entries)
        {
            var key = rewrite(entry.Name);
            if (originals.TryGetValue(key, out var first))
            {
                diagnostics.Error(entry.Key, KeyPath.Child(path, entry.Name),
                    $"keys '{first}' and '{entry.Name}' resolve to the same value '{key}'");
                continue;
            }

            originals[key] = entry.Name;
            entries.Add(new YamlEntry(entry.Key.WithString(key), entry.Value));
        }

        return model.With(Keys.Filters, filters.With(Keys.SetParamsById, byId.WithEntries(entries.ToImmutable())));
    }
}

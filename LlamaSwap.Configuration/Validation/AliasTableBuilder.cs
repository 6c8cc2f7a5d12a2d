using System.Collections.Immutable;
using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Validation;

/// <summary>
/// Builds the global alias → model id table from every model's <c>aliases</c> and its <c>setParamsByID</c> keys
/// (each key other than the model's own id becomes an alias), reporting collisions.
/// </summary>
internal static class AliasTableBuilder
{
    public static ImmutableDictionary<string, string> Build(ImmutableSortedDictionary<string, ModelConfig> models, Section modelsSection)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var diagnostics = modelsSection.Diagnostics;
        foreach (var id in models.Keys)
        {
            var modelPath = modelsSection.PathOf(id);
            var model = modelsSection.Node[id] as YamlMapping;
            if (model?[Keys.Aliases] is YamlSequence declared)
            {
                for (var i = 0; i < declared.Items.Length; i++)
                {
                    if (declared.Items[i] is not YamlScalar { Type: not ScalarType.Null } node)
                    {
                        continue;
                    }

                    var alias = node.Value;
                    var path = KeyPath.Index(KeyPath.Child(modelPath, Keys.Aliases), i);
                    if (alias.Trim().Length == 0)
                    {
                        diagnostics.Warning(node, path, "empty alias ignored");
                    }
                    else if (models.ContainsKey(alias))
                    {
                        diagnostics.Error(node, path, $"alias '{alias}' conflicts with an existing model ID");
                    }
                    else if (aliases.TryGetValue(alias, out var owner) && owner != id)
                    {
                        diagnostics.Error(node, path, $"duplicate alias {alias} found in model: {id} (already used by model {owner})");
                    }
                    else
                    {
                        aliases[alias] = id;
                    }
                }
            }

            if (model?[Keys.Filters] is YamlMapping filters && filters[Keys.SetParamsById] is YamlMapping byId)
            {
                var byIdPath = KeyPath.Child(KeyPath.Child(modelPath, Keys.Filters), Keys.SetParamsById);
                foreach (var entry in byId.Entries.Where(e => e.Name != id))
                {
                    var path = KeyPath.Child(byIdPath, entry.Name);
                    if (models.ContainsKey(entry.Name))
                    {
                        diagnostics.Error(entry.Key, path, $"key '{entry.Name}' conflicts with an existing model ID");
                    }
                    else if (aliases.TryGetValue(entry.Name, out var owner) && owner != id)
                    {
                        diagnostics.Error(entry.Key, path, $"duplicate alias '{entry.Name}' in filters.setParamsByID, already used by model {owner}");
                    }
                    else
                    {
                        aliases[entry.Name] = id;
                    }
                }
            }
        }

        return aliases.ToImmutableDictionary(StringComparer.Ordinal);
    }
}

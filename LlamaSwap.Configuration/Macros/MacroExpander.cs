using System.Collections.Immutable;
using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Macros;

/// <summary>
/// Expands global and per-model macros over the merged document: global macros into every top-level value but
/// <c>models</c>; then, per model in id order, <c>MODEL_ID</c> + global macros (model macros replacing same-named
/// globals in place, new ones appended) into every model value and <c>setParamsByID</c> key.
/// </summary>
internal static class MacroExpander
{
    public const string DefaultProxy = "http://localhost:${PORT}";

    public static ExpandedDocument Expand(YamlMapping root, DiagnosticBag diagnostics)
    {
        var globals = MacroListReader.Read(root[Keys.Macros], Keys.Macros, diagnostics);
        var defaulted = new HashSet<string>(StringComparer.Ordinal);
        var entries = ImmutableArray.CreateBuilder<YamlEntry>();
        foreach (var entry in root.Entries)
        {
            var value = entry.Name switch
            {
                Keys.Macros => entry.Value,
                Keys.Models when entry.Value is YamlMapping models => ExpandModels(models, globals, defaulted, diagnostics),
                Keys.Models => entry.Value,
                _ => MacroSubstituter.Apply(entry.Value, globals),
            };
            entries.Add(entry with { Value = value });
        }

        return new ExpandedDocument(root.WithEntries(entries.ToImmutable()), defaulted, ImmutableDictionary<string, int>.Empty);
    }

    private static YamlMapping ExpandModels(YamlMapping models, ImmutableArray<Macro> globals, HashSet<string> defaulted, DiagnosticBag diagnostics)
    {
        var entries = ImmutableArray.CreateBuilder<YamlEntry>();
        foreach (var entry in models.Entries)
        {
            if (entry.Value is not YamlMapping && !entry.Value.IsNull)
            {
                entries.Add(entry);
                continue;
            }

            var modelPath = KeyPath.Child(Keys.Models, entry.Name);
            var model = entry.Value as YamlMapping ?? YamlMapping.Empty(entry.Key.Start);
            var own = MacroListReader.Read(model[Keys.Macros], KeyPath.Child(modelPath, Keys.Macros), diagnostics);
            model = Prepare(model.Without(Keys.Macros), entry.Key, out var usedDefaultProxy);
            if (usedDefaultProxy)
            {
                defaulted.Add(entry.Name);
            }

            var effective = Effective(entry.Name, entry.Key, globals, own);
            model = (YamlMapping)MacroSubstituter.Apply(model, effective);
            model = ParamsByIdKeys.Rewrite(model, modelPath, key => MacroSubstituter.ApplyToText(key, effective), diagnostics);
            entries.Add(entry with { Value = model });
        }

        return models.WithEntries(entries.ToImmutable());
    }

    /// <summary>Strips full-line comments from the commands and fills in the default proxy.</summary>
    private static YamlMapping Prepare(YamlMapping model, YamlScalar idKey, out bool usedDefaultProxy)
    {
        foreach (var key in new[] { Keys.Cmd, Keys.CmdStop })
        {
            if (model[key] is YamlScalar { IsString: true } command)
            {
                model = model.With(key, command.WithString(CommandComments.Strip(command.Value)));
            }
        }

        // An endpoint model names its URL with `endpoint`; it is the model's proxy URL from here on.
        if (model[Keys.Endpoint] is YamlScalar { IsString: true } endpoint && model[Keys.Proxy] is null or YamlScalar { Type: ScalarType.Null })
        {
            model = model.With(Keys.Proxy, endpoint);
        }

        usedDefaultProxy = model[Keys.Proxy] is null or YamlScalar { Type: ScalarType.Null };
        return usedDefaultProxy ? model.With(Keys.Proxy, YamlScalar.String(idKey.Start, DefaultProxy)) : model;
    }

    private static List<Macro> Effective(string modelId, YamlScalar idKey, ImmutableArray<Macro> globals, ImmutableArray<Macro> own)
    {
        var list = new List<Macro> { new(Macro.ModelId, YamlScalar.String(idKey.Start, modelId)) };
        list.AddRange(globals);
        foreach (var macro in own)
        {
            var index = list.FindIndex(m => m.Name == macro.Name);
            if (index >= 0)
            {
                list[index] = macro;
            }
            else
            {
                list.Add(macro);
            }
        }

        return list;
    }
}

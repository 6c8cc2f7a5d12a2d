using LlamaSwap.Configuration.Loading;

namespace LlamaSwap.Configuration.Yaml;

/// <summary>
/// Merges the documents of several sources in order: identity maps (models, peers, …) may not define the same
/// child twice, other mappings merge recursively, sequences concatenate, scalars must agree (null yields).
/// </summary>
internal static class DocumentMerger
{
    private static readonly HashSet<string> IdentityMaps = new(StringComparer.Ordinal)
    {
        "models", "groups", "profiles", "selectors", "peers", "matrix",
        "routing.router.settings.groups", "routing.router.settings.matrix",
    };

    public static YamlMapping Merge(IReadOnlyList<YamlMapping> documents, string emptyFile, DiagnosticBag diagnostics)
    {
        if (documents.Count == 0)
        {
            return YamlMapping.Empty(SourceMark.None(emptyFile));
        }

        var result = documents[0];
        foreach (var next in documents.Skip(1))
        {
            result = MergeMappings(result, next, "", diagnostics);
        }

        return result;
    }

    private static YamlMapping MergeMappings(YamlMapping earlier, YamlMapping later, string path, DiagnosticBag diagnostics)
    {
        var isIdentityMap = IdentityMaps.Contains(path);
        var merged = earlier;
        foreach (var entry in later.Entries)
        {
            var childPath = KeyPath.Child(path, entry.Name);
            var existing = merged.Find(entry.Name);
            if (existing is null)
            {
                merged = merged.WithEntries(merged.Entries.Add(entry));
            }
            else if (isIdentityMap && !existing.Value.IsNull && !entry.Value.IsNull)
            {
                diagnostics.Error(entry.Key, childPath,
                    $"duplicate {path} \"{entry.Name}\" found in {entry.Key.Start.File} (already defined in another config source: {existing.Key.Start})");
            }
            else
            {
                merged = merged.With(entry.Name, MergeNodes(existing.Value, entry.Value, childPath, diagnostics));
            }
        }

        return merged;
    }

    private static YamlNode MergeNodes(YamlNode earlier, YamlNode later, string path, DiagnosticBag diagnostics)
    {
        if (later.IsNull)
        {
            return earlier;
        }

        if (earlier.IsNull)
        {
            return later;
        }

        switch (earlier, later)
        {
            case (YamlMapping a, YamlMapping b):
                return MergeMappings(a, b, path, diagnostics);
            case (YamlSequence a, YamlSequence b):
                return a.WithItems(a.Items.AddRange(b.Items));
            case (YamlScalar a, YamlScalar b):
                if (a.Value != b.Value || a.Type != b.Type)
                {
                    diagnostics.Error(b, path,
                        $"conflict at \"{path}\": {b.Start.File} sets a different value than a previous source ({a.Start})");
                }

                return a;
            default:
                diagnostics.Error(later, path,
                    $"conflict at \"{path}\": incompatible YAML node kinds ({earlier.KindName} in {earlier.Start} vs {later.KindName})");
                return earlier;
        }
    }
}

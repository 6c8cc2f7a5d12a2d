namespace LlamaSwap.Configuration.Yaml;

/// <summary>Enumerates the scalars under a node with their key paths.</summary>
internal static class YamlWalker
{
    public static IEnumerable<(YamlScalar Scalar, string Path, bool IsKey)> Scalars(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar scalar:
                yield return (scalar, path, false);
                break;
            case YamlSequence sequence:
                for (var i = 0; i < sequence.Items.Length; i++)
                {
                    foreach (var item in Scalars(sequence.Items[i], KeyPath.Index(path, i)))
                    {
                        yield return item;
                    }
                }

                break;
            case YamlMapping mapping:
                foreach (var entry in mapping.Entries)
                {
                    var child = KeyPath.Child(path, entry.Name);
                    yield return (entry.Key, child, true);
                    foreach (var item in Scalars(entry.Value, child))
                    {
                        yield return item;
                    }
                }

                break;
        }
    }

    /// <summary>Rebuilds the tree with every string scalar value (not keys) passed through <paramref name="map"/>.</summary>
    public static YamlNode MapValues(YamlNode node, Func<YamlScalar, YamlNode> map) => node switch
    {
        YamlScalar scalar => map(scalar),
        YamlSequence sequence => sequence.WithItems([.. sequence.Items.Select(i => MapValues(i, map))]),
        YamlMapping mapping => mapping.WithEntries([.. mapping.Entries.Select(e => e with { Value = MapValues(e.Value, map) })]),
        _ => node,
    };
}

using System.Collections.Immutable;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Validation;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>
/// A mapping being decoded, with its key path: typed reads of its keys that report problems at the right node,
/// and unknown-key warnings that suggest the closest known key.
/// </summary>
internal sealed class Section
{
    private Section(YamlMapping node, string path, DiagnosticBag diagnostics)
    {
        Node = node;
        Path = path;
        Diagnostics = diagnostics;
    }

    public YamlMapping Node { get; }
    public string Path { get; }
    public DiagnosticBag Diagnostics { get; }

    /// <summary>
    /// Opens <paramref name="node"/> as a section; a missing or null node opens as empty (placed at <paramref name="at"/>).
    /// With <paramref name="knownKeys"/>, every other key gets a warning.
    /// </summary>
    public static Section? Open(YamlNode? node, string path, SourceMark at, DiagnosticBag diagnostics, IReadOnlyCollection<string>? knownKeys)
    {
        if (node is null || node.IsNull)
        {
            return new Section(YamlMapping.Empty(node?.Start ?? at), path, diagnostics);
        }

        if (node is not YamlMapping mapping)
        {
            diagnostics.Error(node, path, $"must be a mapping (got {Values.Describe(node)})");
            return null;
        }

        var section = new Section(mapping, path, diagnostics);
        if (knownKeys is not null)
        {
            section.WarnUnknownKeys(knownKeys);
        }

        return section;
    }

    public IEnumerable<YamlEntry> Entries => Node.Entries;

    public string PathOf(string key) => KeyPath.Child(Path, key);

    /// <summary>The key's value, or null when the key is absent or explicitly null.</summary>
    public YamlNode? Value(string key) => Node[key] is { IsNull: false } value ? value : null;

    public bool Has(string key) => Value(key) is not null;

    public YamlEntry? Entry(string key) => Node.Find(key);

    public int? Int(string key) => Value(key) is { } node ? Values.Int(node, PathOf(key), Diagnostics) : null;

    public bool? Bool(string key) => Value(key) is { } node ? Values.Bool(node, PathOf(key), Diagnostics) : null;

    public string? String(string key) => Value(key) is { } node ? Values.String(node, PathOf(key), Diagnostics) : null;

    public ImmutableArray<(string Value, YamlNode Node, string Path)>? Strings(string key) =>
        Value(key) is { } node ? Values.Strings(node, PathOf(key), Diagnostics) : null;

    /// <summary>A child section; absent or null opens as empty, a non-mapping is reported and yields null.</summary>
    public Section? Child(string key, IReadOnlyCollection<string>? knownKeys) =>
        Open(Node[key], PathOf(key), Node.Find(key)?.Key.Start ?? Node.Start, Diagnostics, knownKeys);

    public void Error(string key, string message) => Diagnostics.Error(Value(key) ?? (YamlNode?)Entry(key)?.Key ?? Node, PathOf(key), message);

    public void Error(string message) => Diagnostics.Error(Node, Path, message);

    private void WarnUnknownKeys(IReadOnlyCollection<string> knownKeys)
    {
        foreach (var entry in Node.Entries)
        {
            if (knownKeys.Contains(entry.Name))
            {
                continue;
            }

            var suggestion = ClosestKey.Suggest(entry.Name, knownKeys);
            var hint = suggestion is not null
                ? $" (did you mean '{suggestion}'?)"
                : HoldsAnchors(entry.Value) ? " (ignored; harmless if it only holds YAML anchors)" : " (ignored)";
            Diagnostics.Warning(entry.Key, PathOf(entry.Name), $"unknown key '{entry.Name}'{hint}");
        }
    }

    private static bool HoldsAnchors(YamlNode node) => node.Anchor is not null || node switch
    {
        YamlMapping m => m.Entries.Any(e => HoldsAnchors(e.Value)),
        YamlSequence s => s.Items.Any(HoldsAnchors),
        _ => false,
    };
}

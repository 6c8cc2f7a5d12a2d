using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Yaml;

/// <summary>One key/value pair; keys are always scalars (the reader rejects complex keys).</summary>
internal sealed record YamlEntry(YamlScalar Key, YamlNode Value)
{
    public string Name => Key.Value;
}

/// <summary>An ordered mapping: declaration order matters for macros and matrix sets.</summary>
internal sealed class YamlMapping(SourceMark start, SourceMark end, ImmutableArray<YamlEntry> entries, string? anchor = null)
    : YamlNode(start, end, anchor)
{
    public ImmutableArray<YamlEntry> Entries { get; } = entries;

    public override string KindName => "mapping";

    public static YamlMapping Empty(SourceMark at) => new(at, at, []);

    public YamlEntry? Find(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Name == key)
            {
                return entry;
            }
        }

        return null;
    }

    public YamlNode? this[string key] => Find(key)?.Value;

    public bool ContainsKey(string key) => Find(key) is not null;

    public YamlMapping WithEntries(ImmutableArray<YamlEntry> entries) => new(Start, End, entries, Anchor);

    /// <summary>Replaces the value of <paramref name="key"/>, or appends the entry when absent.</summary>
    public YamlMapping With(string key, YamlNode value)
    {
        var index = -1;
        for (var i = 0; i < Entries.Length && index < 0; i++)
        {
            index = Entries[i].Name == key ? i : -1;
        }

        return index >= 0
            ? WithEntries(Entries.SetItem(index, Entries[index] with { Value = value }))
            : WithEntries(Entries.Add(new YamlEntry(YamlScalar.String(Start, key), value)));
    }

    public YamlMapping Without(string key) => WithEntries(Entries.RemoveAll(e => e.Name == key));
}

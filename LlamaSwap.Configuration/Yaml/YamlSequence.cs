using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Yaml;

internal sealed class YamlSequence(SourceMark start, SourceMark end, ImmutableArray<YamlNode> items, string? anchor = null)
    : YamlNode(start, end, anchor)
{
    public ImmutableArray<YamlNode> Items { get; } = items;

    public override string KindName => "sequence";

    public YamlSequence WithItems(ImmutableArray<YamlNode> items) => new(Start, End, items, Anchor);
}

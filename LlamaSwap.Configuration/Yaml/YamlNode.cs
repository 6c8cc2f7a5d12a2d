namespace LlamaSwap.Configuration.Yaml;

/// <summary>
/// An immutable YAML node that remembers where it came from. Aliases and merge keys are
/// materialised when read, so a node shared through an anchor is simply referenced twice.
/// </summary>
internal abstract class YamlNode(SourceMark start, SourceMark end, string? anchor)
{
    public SourceMark Start { get; } = start;
    public SourceMark End { get; } = end;
    /// <summary>The anchor defined on this node, if any (used only to explain warnings).</summary>
    public string? Anchor { get; } = anchor;

    public abstract string KindName { get; }

    public bool IsNull => this is YamlScalar { Type: ScalarType.Null };
}

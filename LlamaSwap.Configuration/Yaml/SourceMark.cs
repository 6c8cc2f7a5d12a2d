namespace LlamaSwap.Configuration.Yaml;

/// <summary>Where a node starts: file as given, 1-based line and column (0 when unknown).</summary>
internal readonly record struct SourceMark(string File, int Line, int Column)
{
    public static SourceMark None(string file) => new(file, 0, 0);

    public bool Contains(SourceMark end, int line, int column) =>
        (line > Line || (line == Line && column >= Column)) &&
        (line < end.Line || (line == end.Line && column <= end.Column));

    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

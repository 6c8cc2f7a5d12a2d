using System.Collections.Immutable;
using LlamaSwap.Configuration.Loading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LlamaSwap.Configuration.Yaml;

/// <summary>
/// Reads YAML text into positioned <see cref="YamlNode"/>s from the parser's event stream, materialising
/// aliases and <c>&lt;&lt;</c> merge keys so later stages never see them.
/// </summary>
internal sealed class YamlDocumentReader
{
    private const string MergeKey = "<<";
    private const string MergeTag = "tag:yaml.org,2002:merge";

    private readonly string file;
    private readonly DiagnosticBag diagnostics;
    private readonly Dictionary<string, YamlNode> anchors = new(StringComparer.Ordinal);
    private IParser parser = null!;

    private YamlDocumentReader(string file, DiagnosticBag diagnostics)
    {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    /// <summary>The first document's root, null for an empty or comment-only text. Syntax errors are reported and yield null.</summary>
    public static YamlNode? Read(string text, string file, DiagnosticBag diagnostics, out bool failed)
    {
        var reader = new YamlDocumentReader(file, diagnostics);
        var before = diagnostics.ErrorCount;
        YamlNode? root = null;
        try
        {
            root = reader.ReadStream(text);
        }
        catch (YamlException e)
        {
            diagnostics.Error(reader.Mark(e.Start), "", $"invalid YAML: {e.InnerException?.Message ?? StripLocation(e.Message)}");
            root = null;
        }

        failed = diagnostics.ErrorCount > before;
        return failed ? null : root;
    }

    /// <summary>Parses without reporting anything; null when the text is not valid YAML.</summary>
    public static YamlNode? TryRead(string text, string file)
    {
        var root = Read(text, file, new DiagnosticBag(), out var failed);
        return failed ? null : root;
    }

    private YamlNode? ReadStream(string text)
    {
        parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadNode();
        parser.Consume<DocumentEnd>();
        if (parser.Accept<DocumentStart>(out var second))
        {
            diagnostics.Warning(Mark(second.Start), "", "only the first YAML document is used; later documents are ignored");
        }

        return root is YamlScalar { Type: ScalarType.Null } ? null : root;
    }

    private YamlNode ReadNode()
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            diagnostics.Error(Mark(alias.Start), "", $"unknown YAML anchor '*{alias.Value.Value}'");
            return YamlScalar.Parsed(Mark(alias.Start), Mark(alias.End), "", plain: true, tag: null, anchor: null);
        }

        YamlNode node;
        string? anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = AnchorOf(scalar.Anchor);
            node = YamlScalar.Parsed(
                Mark(scalar.Start), Mark(scalar.End), scalar.Value,
                plain: scalar.Style is ScalarStyle.Plain or ScalarStyle.Any,
                tag: scalar.Tag.IsEmpty ? null : scalar.Tag.Value,
                anchor);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            anchor = AnchorOf(sequenceStart.Anchor);
            var items = ImmutableArray.CreateBuilder<YamlNode>();
            while (!parser.Accept<SequenceEnd>(out _))
            {
                items.Add(ReadNode());
            }

            var sequenceEnd = parser.Consume<SequenceEnd>();
            node = new YamlSequence(Mark(sequenceStart.Start), Mark(sequenceEnd.End), items.ToImmutable(), anchor);
        }
        else
        {
            var mappingStart = parser.Consume<MappingStart>();
            anchor = AnchorOf(mappingStart.Anchor);
            node = ReadMappingBody(mappingStart, anchor);
        }

        if (anchor is not null)
        {
            anchors[anchor] = node;
        }

        return node;
    }

    private YamlMapping ReadMappingBody(MappingStart start, string? anchor)
    {
        var explicitEntries = new List<YamlEntry>();
        // Merged entries keep the position of their << key so declaration order (macros, sets) reads naturally.
        var slots = new List<object>();
        SourceMark end;
        while (true)
        {
            if (parser.TryConsume<MappingEnd>(out var mappingEnd))
            {
                end = Mark(mappingEnd.End);
                break;
            }

            var isMerge = parser.Accept<Scalar>(out var keyEvent) && IsMergeKey(keyEvent);
            var keyNode = ReadNode();
            var value = ReadNode();
            if (keyNode is not YamlScalar key)
            {
                diagnostics.Error(keyNode.Start, "", $"mapping keys must be scalars, not a {keyNode.KindName}");
                continue;
            }

            if (isMerge)
            {
                slots.Add(MergeSources(value));
                continue;
            }

            var entry = new YamlEntry(key, value);
            var duplicate = explicitEntries.FirstOrDefault(e => e.Name == key.Value);
            if (duplicate is not null)
            {
                diagnostics.Error(key, "", $"duplicate key '{key.Value}' (already defined at line {duplicate.Key.Start.Line})");
                continue;
            }

            explicitEntries.Add(entry);
            slots.Add(entry);
        }

        var result = ImmutableArray.CreateBuilder<YamlEntry>();
        var seen = new HashSet<string>(explicitEntries.Select(e => e.Name), StringComparer.Ordinal);
        foreach (var slot in slots)
        {
            if (slot is YamlEntry entry)
            {
                result.Add(entry);
                continue;
            }

            foreach (var merged in (List<YamlEntry>)slot)
            {
                if (seen.Add(merged.Name))
                {
                    result.Add(merged);
                }
            }
        }

        return new YamlMapping(Mark(start.Start), end, result.ToImmutable(), anchor);
    }

    private static bool IsMergeKey(Scalar key) =>
        key.Value == MergeKey && (key.Tag.IsEmpty ? key.Style is ScalarStyle.Plain : key.Tag.Value == MergeTag);

    /// <summary>Entries a <c>&lt;&lt;</c> value contributes; with a list, earlier mappings win.</summary>
    private List<YamlEntry> MergeSources(YamlNode value)
    {
        var entries = new List<YamlEntry>();
        var sources = value is YamlSequence sequence ? sequence.Items : [value];
        foreach (var source in sources)
        {
            if (source is not YamlMapping mapping)
            {
                diagnostics.Error(source.Start, "", $"merge key '<<' needs a mapping or a list of mappings, not a {source.KindName}");
                continue;
            }

            entries.AddRange(mapping.Entries.Where(e => entries.All(x => x.Name != e.Name)));
        }

        return entries;
    }

    private static string? AnchorOf(AnchorName name) => name.IsEmpty ? null : name.Value;

    private SourceMark Mark(Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private static string StripLocation(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the diagnostic already carries the position.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && index >= 0 ? message[(index + 3)..] : message;
    }
}

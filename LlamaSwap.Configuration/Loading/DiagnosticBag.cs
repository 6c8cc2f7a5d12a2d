using System.Collections.Immutable;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Loading;

/// <summary>Collects every problem found while loading, so one run reports all of them.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> items = [];

    public bool HasErrors => items.Any(d => d.Severity == DiagnosticSeverity.Error);

    public int ErrorCount => items.Count(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceMark at, string path, string message) =>
        items.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, at.File, at.Line, at.Column, path, message));

    public void Error(YamlNode node, string path, string message) => Error(node.Start, path, message);

    public void Warning(SourceMark at, string path, string message) =>
        items.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, at.File, at.Line, at.Column, path, message));

    public void Warning(YamlNode node, string path, string message) => Warning(node.Start, path, message);

    public ImmutableArray<ConfigDiagnostic> ToImmutable() => [.. items];
}

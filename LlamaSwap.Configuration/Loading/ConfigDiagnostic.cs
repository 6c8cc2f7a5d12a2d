namespace LlamaSwap.Configuration;

public enum DiagnosticSeverity { Warning, Error }

/// <summary>
/// A problem found while loading, located precisely enough to fix without searching:
/// <c>models.yaml:14:5 models.qwen.ttl: must be >= 0 (got -5)</c>.
/// </summary>
/// <param name="File">The file name as given (not made absolute), or empty for merged content.</param>
/// <param name="Line">1-based; 0 when unknown.</param>
/// <param name="Column">1-based; 0 when unknown.</param>
/// <param name="Path">Dotted key path, e.g. <c>models.qwen.ttl</c>; empty for the document.</param>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string File, int Line, int Column, string Path, string Message)
{
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        var prefix = string.Join(' ', new[] { location, Path }.Where(s => s.Length > 0));
        return prefix.Length > 0 ? $"{prefix}: {Message}" : Message;
    }
}

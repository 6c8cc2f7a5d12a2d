using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace LlamaSwap.Configuration;

/// <summary>Either a valid configuration (possibly with warnings) or every error found.</summary>
public sealed record ConfigLoadResult(LlamaSwapConfig? Config, ImmutableArray<ConfigDiagnostic> Diagnostics)
{
    [MemberNotNullWhen(true, nameof(Config))]
    public bool Succeeded => Config is not null;

    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);
}

using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Matrix;

/// <summary>Turns the matrix <c>sets</c> DSL strings into the concrete model-id sets they allow.</summary>
public static class MatrixSetCompiler
{
    /// <param name="sets">Set name → DSL, in definition order.</param>
    /// <param name="resolve">Identifier (var or model id) → model id; null when unknown.</param>
    public static MatrixCompileResult Compile(IReadOnlyList<KeyValuePair<string, string>> sets, Func<string, string?> resolve) =>
        throw new NotImplementedException();
}

/// <summary>Compiled sets in solver order, or the errors (each naming its set).</summary>
public sealed record MatrixCompileResult(ImmutableArray<MatrixSet> Sets, ImmutableArray<MatrixSetError> Errors);

public sealed record MatrixSetError(string SetName, string Message);

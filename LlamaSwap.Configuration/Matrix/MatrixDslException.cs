namespace LlamaSwap.Configuration.Matrix;

/// <summary>A matrix set expression that cannot be tokenized or parsed; the message is user-facing.</summary>
internal sealed class MatrixDslException(string message) : FormatException(message)
{
    /// <summary>Formats a position the same way in every message, so users know it counts from 1.</summary>
    internal static string At(int position) => $"at position {position} (1-based)";
}

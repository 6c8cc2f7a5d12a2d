namespace LlamaSwap.Configuration.Matrix;

internal enum MatrixDslTokenKind { Identifier, Reference, And, Or, LeftParen, RightParen, End }

/// <summary>One lexeme of a matrix set expression.</summary>
/// <param name="Text">The identifier or referenced set name; empty for operators and the end.</param>
/// <param name="Position">1-based index, in Unicode scalar values, of the token's first character
/// (for a reference, its <c>+</c>); for the end, one past the last character.</param>
internal readonly record struct MatrixDslToken(MatrixDslTokenKind Kind, string Text, int Position)
{
    /// <summary>How an error message names this token.</summary>
    public string Describe() => Kind switch
    {
        MatrixDslTokenKind.Identifier => $"\"{Text}\"",
        MatrixDslTokenKind.Reference => $"\"+{Text}\"",
        MatrixDslTokenKind.And => "'&'",
        MatrixDslTokenKind.Or => "'|'",
        MatrixDslTokenKind.LeftParen => "'('",
        MatrixDslTokenKind.RightParen => "')'",
        _ => "end of expression",
    };
}

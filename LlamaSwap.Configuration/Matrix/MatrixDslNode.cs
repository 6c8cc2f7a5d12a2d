using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Matrix;

/// <summary>
/// A parsed matrix set expression. <see cref="object.ToString"/> gives a fully parenthesised form,
/// which shows how precedence was applied (<c>a | b &amp; c</c> → <c>(a | (b &amp; c))</c>).
/// </summary>
internal abstract record MatrixDslNode;

/// <summary>A var or model id, as written (resolved later).</summary>
internal sealed record MatrixModelNode(string Identifier) : MatrixDslNode
{
    public override string ToString() => Identifier;
}

/// <summary><c>+name</c>: the expansions of another set, inlined.</summary>
internal sealed record MatrixReferenceNode(string SetName) : MatrixDslNode
{
    public override string ToString() => "+" + SetName;
}

/// <summary><c>a &amp; b &amp; …</c>: one choice from every operand, together.</summary>
internal sealed record MatrixAndNode(ImmutableArray<MatrixDslNode> Operands) : MatrixDslNode
{
    public override string ToString() => $"({string.Join(" & ", Operands)})";
}

/// <summary><c>a | b | …</c>: any one operand.</summary>
internal sealed record MatrixOrNode(ImmutableArray<MatrixDslNode> Operands) : MatrixDslNode
{
    public override string ToString() => $"({string.Join(" | ", Operands)})";
}

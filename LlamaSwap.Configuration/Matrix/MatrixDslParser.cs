using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Matrix;

/// <summary>
/// Recursive-descent parser for matrix set expressions:
/// <code>
/// expr := and ( '|' and )*      OR, lowest precedence
/// and  := atom ( '&amp;' atom )*    AND binds tighter: a | b &amp; c == a | (b &amp; c)
/// atom := IDENT | '+' IDENT | '(' expr ')'
/// </code>
/// Errors are <see cref="MatrixDslException"/>s whose positions count Unicode scalar values from 1.
/// </summary>
internal sealed class MatrixDslParser
{
    private const string ExpectedOperand = "expected a model name, '+set' or '('";

    private readonly ImmutableArray<MatrixDslToken> _tokens;
    private int _next;

    private MatrixDslParser(ImmutableArray<MatrixDslToken> tokens) => _tokens = tokens;

    public static MatrixDslNode Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            throw new MatrixDslException("empty DSL expression");

        var parser = new MatrixDslParser(MatrixDslTokenizer.Tokenize(expression));
        var root = parser.ParseOr();
        var trailing = parser.Peek();
        if (trailing.Kind != MatrixDslTokenKind.End)
            throw Unexpected(trailing, "expected '&', '|' or end of expression");
        return root;
    }

    private MatrixDslNode ParseOr()
    {
        var operands = ImmutableArray.CreateBuilder<MatrixDslNode>();
        operands.Add(ParseAnd());
        while (Peek().Kind == MatrixDslTokenKind.Or)
        {
            _next++;
            operands.Add(ParseAnd());
        }
        return operands.Count == 1 ? operands[0] : new MatrixOrNode(operands.ToImmutable());
    }

    private MatrixDslNode ParseAnd()
    {
        var operands = ImmutableArray.CreateBuilder<MatrixDslNode>();
        operands.Add(ParseAtom());
        while (Peek().Kind == MatrixDslTokenKind.And)
        {
            _next++;
            operands.Add(ParseAtom());
        }
        return operands.Count == 1 ? operands[0] : new MatrixAndNode(operands.ToImmutable());
    }

    private MatrixDslNode ParseAtom()
    {
        var token = Peek();
        switch (token.Kind)
        {
            case MatrixDslTokenKind.Identifier:
                _next++;
                return new MatrixModelNode(token.Text);
            case MatrixDslTokenKind.Reference:
                _next++;
                return new MatrixReferenceNode(token.Text);
            case MatrixDslTokenKind.LeftParen:
                _next++;
                var inner = ParseOr();
                var closing = Peek();
                if (closing.Kind == MatrixDslTokenKind.End)
                    throw new MatrixDslException($"missing closing parenthesis for '(' {MatrixDslException.At(token.Position)}");
                if (closing.Kind != MatrixDslTokenKind.RightParen)
                    throw Unexpected(closing, "expected '&', '|' or ')'");
                _next++;
                return inner;
            default:
                throw Unexpected(token, ExpectedOperand);
        }
    }

    private MatrixDslToken Peek() => _tokens[_next];

    private static MatrixDslException Unexpected(MatrixDslToken token, string expected) =>
        token.Kind == MatrixDslTokenKind.End
            ? new MatrixDslException($"unexpected end of expression {MatrixDslException.At(token.Position)}: {expected}")
            : new MatrixDslException($"unexpected token {token.Describe()} {MatrixDslException.At(token.Position)}: {expected}");
}

using LlamaSwap.Configuration.Matrix;

namespace LlamaSwap.Tests.Configuration;

public sealed class MatrixDslTests
{
    [Fact]
    public void Tokenize_OperatorsAndReference_GivesKindsTextAndOneBasedPositions()
    {
        var tokens = MatrixDslTokenizer.Tokenize("(a | +base) & model-name.v2");

        Assert.Equal(
            [
                new MatrixDslToken(MatrixDslTokenKind.LeftParen, "", 1),
                new MatrixDslToken(MatrixDslTokenKind.Identifier, "a", 2),
                new MatrixDslToken(MatrixDslTokenKind.Or, "", 4),
                new MatrixDslToken(MatrixDslTokenKind.Reference, "base", 6),
                new MatrixDslToken(MatrixDslTokenKind.RightParen, "", 11),
                new MatrixDslToken(MatrixDslTokenKind.And, "", 13),
                new MatrixDslToken(MatrixDslTokenKind.Identifier, "model-name.v2", 15),
                new MatrixDslToken(MatrixDslTokenKind.End, "", 28),
            ],
            tokens);
    }

    [Fact]
    public void Tokenize_UnicodeIdentifier_IsOneToken()
    {
        var tokens = MatrixDslTokenizer.Tokenize("modèle_3 & 模型");

        Assert.Equal(["modèle_3", "", "模型", ""], tokens.Select(t => t.Text));
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData("+base", "+base")]
    [InlineData("a & b & c", "(a & b & c)")]
    [InlineData("a | b | c", "(a | b | c)")]
    [InlineData("a | b & c", "(a | (b & c))")]
    [InlineData("a & b | c", "((a & b) | c)")]
    [InlineData("(a | b) & (c | d)", "((a | b) & (c | d))")]
    [InlineData("((a))", "a")]
    [InlineData("  target &\n(+llms | tts)  ", "(target & (+llms | tts))")]
    public void Parse_ValidExpression_AppliesPrecedence(string dsl, string expected)
    {
        Assert.Equal(expected, MatrixDslParser.Parse(dsl).ToString());
    }

    [Theory]
    [InlineData("", "empty DSL expression")]
    [InlineData("  \t ", "empty DSL expression")]
    [InlineData("a @ b", "unexpected character '@' at position 3 (1-based)")]
    [InlineData("a&b;", "unexpected character ';' at position 4 (1-based)")]
    [InlineData("a\U0001F600", "unexpected character '\U0001F600' at position 2 (1-based)")]
    [InlineData("\U0001F600 & @", "unexpected character '\U0001F600' at position 1 (1-based)")]
    [InlineData("é & @", "unexpected character '@' at position 5 (1-based)")]
    [InlineData("a & +", "expected set name after '+' at position 6 (1-based)")]
    [InlineData("+ base", "expected set name after '+' at position 2 (1-based)")]
    [InlineData("(a | b", "missing closing parenthesis for '(' at position 1 (1-based)")]
    [InlineData("a & (b | (c & d)", "missing closing parenthesis for '(' at position 5 (1-based)")]
    [InlineData("a)", "unexpected token ')' at position 2 (1-based): expected '&', '|' or end of expression")]
    [InlineData("a b", "unexpected token \"b\" at position 3 (1-based): expected '&', '|' or end of expression")]
    [InlineData("a +b", "unexpected token \"+b\" at position 3 (1-based): expected '&', '|' or end of expression")]
    [InlineData("()", "unexpected token ')' at position 2 (1-based): expected a model name, '+set' or '('")]
    [InlineData("| a", "unexpected token '|' at position 1 (1-based): expected a model name, '+set' or '('")]
    [InlineData("a & & b", "unexpected token '&' at position 5 (1-based): expected a model name, '+set' or '('")]
    [InlineData("a & (b c)", "unexpected token \"c\" at position 8 (1-based): expected '&', '|' or ')'")]
    [InlineData("a &", "unexpected end of expression at position 4 (1-based): expected a model name, '+set' or '('")]
    [InlineData("a | ", "unexpected end of expression at position 5 (1-based): expected a model name, '+set' or '('")]
    public void Parse_InvalidExpression_ThrowsWithPosition(string dsl, string expected)
    {
        var error = Assert.Throws<MatrixDslException>(() => MatrixDslParser.Parse(dsl));

        Assert.Equal(expected, error.Message);
    }
}

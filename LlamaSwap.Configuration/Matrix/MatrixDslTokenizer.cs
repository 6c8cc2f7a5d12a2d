using System.Collections.Immutable;
using System.Text;

namespace LlamaSwap.Configuration.Matrix;

/// <summary>
/// Splits a matrix set expression into tokens. Identifiers are runs of Unicode letters, decimal digits,
/// <c>_</c>, <c>-</c> and <c>.</c>; <c>+name</c> (no space after the <c>+</c>) references another set;
/// whitespace only separates. Positions count Unicode scalar values from 1.
/// </summary>
internal static class MatrixDslTokenizer
{
    public static ImmutableArray<MatrixDslToken> Tokenize(string expression)
    {
        var tokens = ImmutableArray.CreateBuilder<MatrixDslToken>();
        var runes = expression.EnumerateRunes().ToArray();
        var i = 0;
        while (i < runes.Length)
        {
            var rune = runes[i];
            var position = i + 1;
            if (Rune.IsWhiteSpace(rune))
            {
                i++;
                continue;
            }

            if (IsIdentifierRune(rune))
            {
                var name = ReadIdentifier(runes, ref i);
                tokens.Add(new MatrixDslToken(MatrixDslTokenKind.Identifier, name, position));
                continue;
            }

            i++;
            switch (rune.Value)
            {
                case '&': tokens.Add(new MatrixDslToken(MatrixDslTokenKind.And, "", position)); break;
                case '|': tokens.Add(new MatrixDslToken(MatrixDslTokenKind.Or, "", position)); break;
                case '(': tokens.Add(new MatrixDslToken(MatrixDslTokenKind.LeftParen, "", position)); break;
                case ')': tokens.Add(new MatrixDslToken(MatrixDslTokenKind.RightParen, "", position)); break;
                case '+':
                    if (i >= runes.Length || !IsIdentifierRune(runes[i]))
                        throw new MatrixDslException($"expected set name after '+' {MatrixDslException.At(i + 1)}");
                    tokens.Add(new MatrixDslToken(MatrixDslTokenKind.Reference, ReadIdentifier(runes, ref i), position));
                    break;
                default:
                    throw new MatrixDslException($"unexpected character '{rune}' {MatrixDslException.At(position)}");
            }
        }

        tokens.Add(new MatrixDslToken(MatrixDslTokenKind.End, "", runes.Length + 1));
        return tokens.ToImmutable();
    }

    public static bool IsIdentifierRune(Rune rune) =>
        Rune.IsLetter(rune) || Rune.IsDigit(rune) || rune.Value is '_' or '-' or '.';

    private static string ReadIdentifier(Rune[] runes, ref int i)
    {
        var builder = new StringBuilder();
        while (i < runes.Length && IsIdentifierRune(runes[i]))
            builder.Append(runes[i++].ToString());
        return builder.ToString();
    }
}

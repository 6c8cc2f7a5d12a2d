using System.Collections.Immutable;
using System.Text;

namespace LlamaSwap.Configuration;

/// <summary>Splits a <c>cmd</c> string into argv: POSIX shell word rules, no shell involved.</summary>
/// <remarks>
/// <para>First, lines whose first non-blank character is <c>#</c> are dropped, and a line ending in an odd
/// number of backslashes is joined to the next (its last backslash becomes a space), so a long
/// llama-server command can be written one flag per line with some flags commented out.</para>
/// <para>Then words are split as a POSIX shell would, without running one: blanks and newlines separate
/// words; single quotes keep everything literally; inside double quotes a backslash escapes only
/// <c>\ $ " `</c> and newline; elsewhere a backslash makes the next character literal; <c>""</c> and
/// <c>''</c> are empty arguments. There is no globbing, variable expansion, comment after a word, pipe or
/// redirection: <c>$HOME</c>, <c>*</c>, <c>#</c> and <c>|</c> are passed on as written.</para>
/// </remarks>
public static class CommandLineSplitter
{
    /// <returns>The arguments; empty when the command holds nothing but blanks and comments.</returns>
    /// <exception cref="FormatException">A quote is not closed. The message names the quote and where it
    /// opens, 1-based: <c>at position 17 (1-based)</c> on a one-line command, <c>at line 3, column 12</c>
    /// otherwise.</exception>
    public static ImmutableArray<string> Split(string command)
    {
        var (text, origins) = JoinLines(command);
        var args = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (inWord)
                    args.Add(word.ToString());
                word.Clear();
                inWord = false;
                i++;
                continue;
            }

            inWord = true;
            var start = i++;
            switch (c)
            {
                case '\'':
                    while (i < text.Length && text[i] != '\'')
                        word.Append(text[i++]);
                    if (i == text.Length)
                        throw Unterminated("single", command, origins[start]);
                    i++;
                    break;
                case '"':
                    while (i < text.Length && text[i] != '"')
                    {
                        if (text[i] == '\\' && i + 1 < text.Length && IsEscapableInDoubleQuotes(text[i + 1]))
                        {
                            // An escaped newline continues the line: it adds nothing to the word.
                            if (text[i + 1] != '\n')
                                word.Append(text[i + 1]);
                            i += 2;
                        }
                        else
                        {
                            word.Append(text[i++]);
                        }
                    }
                    if (i == text.Length)
                        throw Unterminated("double", command, origins[start]);
                    i++;
                    break;
                case '\\':
                    word.Append(i < text.Length ? text[i++] : '\\');
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }

        if (inWord)
            args.Add(word.ToString());
        return args.ToImmutable();
    }

    /// <summary>Drops comment lines and joins continued lines, remembering each kept character's index in the original.</summary>
    private static (string Text, List<int> Origins) JoinLines(string command)
    {
        var text = new StringBuilder(command.Length);
        var origins = new List<int>(command.Length);
        var lineStart = 0;
        while (lineStart <= command.Length)
        {
            var newline = command.IndexOf('\n', lineStart);
            var lineEnd = newline < 0 ? command.Length : newline;
            var line = command.AsSpan(lineStart, lineEnd - lineStart);
            if (!line.TrimStart().StartsWith("#", StringComparison.Ordinal))
            {
                var content = line.TrimEnd();
                var trailingBackslashes = content.Length - content.TrimEnd('\\').Length;
                var continued = trailingBackslashes % 2 == 1;
                var keep = continued ? content.Length - 1 : line.Length;
                for (var k = 0; k < keep; k++)
                {
                    text.Append(line[k]);
                    origins.Add(lineStart + k);
                }
                if (continued || newline >= 0)
                {
                    text.Append(continued ? ' ' : '\n');
                    origins.Add(lineStart + (continued ? keep : line.Length));
                }
            }
            lineStart = lineEnd + 1;
        }
        return (text.ToString(), origins);
    }

    private static FormatException Unterminated(string quote, string command, int index)
    {
        var line = 1 + command.AsSpan(0, index).Count('\n');
        var lineStart = index == 0 ? 0 : command.LastIndexOf('\n', index - 1) + 1;
        var column = 1 + CountRunes(command.AsSpan(lineStart, index - lineStart));
        var where = command.Contains('\n', StringComparison.Ordinal)
            ? $"at line {line}, column {column}"
            : $"at position {column} (1-based)";
        return new FormatException($"unterminated {quote} quote starting {where}");
    }

    private static bool IsEscapableInDoubleQuotes(char c) => c is '\\' or '$' or '"' or '`' or '\n';

    private static int CountRunes(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
            count++;
        return count;
    }
}

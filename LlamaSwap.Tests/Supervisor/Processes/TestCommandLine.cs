using System.Text;

namespace LlamaSwap.Tests.Supervisor.Processes;

/// <summary>
/// A small POSIX-style word splitter (whitespace, single quotes, double quotes, backslash) for the process tests,
/// handed to <c>UpstreamProcessServices.SplitCommand</c> so these tests do not depend on the configuration's splitter.
/// </summary>
internal static class TestCommandLine
{
    public static IReadOnlyList<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            switch (c)
            {
                case '\'':
                    inWord = true;
                    var close = command.IndexOf('\'', i + 1);
                    word.Append(command, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    for (i++; command[i] != '"'; i++)
                    {
                        if (command[i] == '\\' && command[i + 1] is '"' or '\\' or '$')
                        {
                            i++;
                        }

                        word.Append(command[i]);
                    }

                    break;
                case '\\':
                    inWord = true;
                    word.Append(command[++i]);
                    break;
                case ' ' or '\t' or '\n':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}

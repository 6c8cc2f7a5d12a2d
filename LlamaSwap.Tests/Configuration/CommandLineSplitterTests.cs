using LlamaSwap.Configuration;

namespace LlamaSwap.Tests.Configuration;

public sealed class CommandLineSplitterTests
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "llama-server --port 8080", ["llama-server", "--port", "8080"] },
        { "  a   b\t c  ", ["a", "b", "c"] },
        { "", [] },
        { "   \n  # only a comment\n", [] },
        { "a 'b c' d", ["a", "b c", "d"] },
        { "--flag \"value with spaces\"", ["--flag", "value with spaces"] },
        { "a \"\" b ''", ["a", "", "b", ""] },
        { "a\"b\"'c'd", ["abcd"] },
        { "'it''s' \"it's\" 'say \"hi\"'", ["its", "it's", "say \"hi\""] },
        { "\"a \\\" b\" \"a\\\\b\" \"\\$HOME\" \"\\`x\\`\"", ["a \" b", "a\\b", "$HOME", "`x`"] },
        { "\"\\x \\n \\'\"", ["\\x \\n \\'"] },
        { "a\\ b \\\"x \\\\ \\$HOME \\'", ["a b", "\"x", "\\", "$HOME", "'"] },
        { "'a\\b' '\\'", ["a\\b", "\\"] },
        { "$HOME * ~ a|b ; & > out $(id)", ["$HOME", "*", "~", "a|b", ";", "&", ">", "out", "$(id)"] },
        { "a #b # c", ["a", "#b", "#", "c"] },
        { "a\nb\n\nc", ["a", "b", "c"] },
        { "a\r\nb\r\n", ["a", "b"] },
        { "# comment\na\n  # indented comment with an 'odd quote\nb", ["a", "b"] },
        { "a \\\nb", ["a", "b"] },
        { "a\\\nb", ["a", "b"] },
        { "a \\   \nb", ["a", "b"] },
        { "a\\\\\nb", ["a\\", "b"] },
        { "a \"b\nc\"", ["a", "b\nc"] },
        { "\"x \\\ny\"", ["x  y"] },
        {
            """
            llama-server
              --host 127.0.0.1 --port 9001
              # --flash-attn
              -m "/models/Qwen3 30B/model.gguf"
              --chat-template-kwargs '{"enable_thinking": false}'
              --alias "qwen 3"
            """,
            [
                "llama-server", "--host", "127.0.0.1", "--port", "9001", "-m", "/models/Qwen3 30B/model.gguf",
                "--chat-template-kwargs", "{\"enable_thinking\": false}", "--alias", "qwen 3",
            ]
        },
        {
            "/usr/bin/llama-server \\\n  --port 9001 \\\n  # --no-mmap \\\n  --ctx-size 8192 \\\n  -ngl 99\n",
            ["/usr/bin/llama-server", "--port", "9001", "--ctx-size", "8192", "-ngl", "99"]
        },
        {
            "docker run --rm -p 9001:8000 --gpus all vllm/vllm-openai:latest --model \"Qwen/Qwen3 8B\"",
            ["docker", "run", "--rm", "-p", "9001:8000", "--gpus", "all", "vllm/vllm-openai:latest", "--model", "Qwen/Qwen3 8B"]
        },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Split_Command_GivesShellWords(string command, string[] expected)
    {
        Assert.Equal(expected, CommandLineSplitter.Split(command));
    }

    [Theory]
    [InlineData("llama-server --alias \"qwen", "unterminated double quote starting at position 22 (1-based)")]
    [InlineData("a 'b", "unterminated single quote starting at position 3 (1-based)")]
    [InlineData("\"abc\\\"", "unterminated double quote starting at position 1 (1-based)")]
    [InlineData("é \"x", "unterminated double quote starting at position 3 (1-based)")]
    [InlineData("llama-server \\\n  --alias 'qwen\n  --port 1", "unterminated single quote starting at line 2, column 11")]
    [InlineData("# it's\na \"x", "unterminated double quote starting at line 2, column 3")]
    public void Split_UnterminatedQuote_ThrowsNamingTheQuoteAndWhereItOpens(string command, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CommandLineSplitter.Split(command));

        Assert.Equal(expected, error.Message);
    }
}

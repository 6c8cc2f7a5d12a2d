using System.Text;
using LlamaSwap.AppHost.Supervision;

namespace LlamaSwap.Tests.AppHost;

public sealed class LogLineSplitterTests
{
    [Fact]
    public void ChunksSplitAnywhereBecomeWholeLines()
    {
        var splitter = new LogLineSplitter();
        var bytes = Encoding.UTF8.GetBytes("loading qwen… 50%\r\nready: ✓\npartial");
        var lines = new List<string>();
        foreach (var chunk in bytes.Chunk(3))
            lines.AddRange(splitter.Push(chunk));

        Assert.Equal(["loading qwen… 50%", "ready: ✓"], lines);
        Assert.Equal(["partial line"], splitter.Push(" line\n"u8));
    }

    [Fact]
    public void AnEndlessLineIsCut()
    {
        var splitter = new LogLineSplitter();
        var lines = splitter.Push(Encoding.UTF8.GetBytes(new string('x', LogLineSplitter.MaxLineLength + 10)));
        Assert.Equal(LogLineSplitter.MaxLineLength, Assert.Single(lines).Length);
    }
}

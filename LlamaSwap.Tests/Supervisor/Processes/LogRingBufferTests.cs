using System.Text;
using LlamaSwap.Supervisor.Logs;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class LogRingBufferTests
{
    [Fact]
    public void KeepsEverythingWhileUnderCapacity()
    {
        var ring = new LogRingBuffer(8);
        ring.Append("abc"u8);
        ring.Append("de"u8);

        Assert.Equal("abcde", Encoding.ASCII.GetString(ring.ToArray()));
    }

    [Fact]
    public void KeepsTheNewestBytesWhenWrapping()
    {
        var ring = new LogRingBuffer(8);
        ring.Append("abcdef"u8);
        ring.Append("ghij"u8);
        ring.Append("k"u8);

        Assert.Equal("defghijk", Encoding.ASCII.GetString(ring.ToArray()));
        Assert.Equal(8, ring.Length);
    }

    [Fact]
    public void AWriteLargerThanTheCapacityKeepsItsTail()
    {
        var ring = new LogRingBuffer(4);
        ring.Append("xy"u8);
        ring.Append("0123456789"u8);

        Assert.Equal("6789", Encoding.ASCII.GetString(ring.ToArray()));
    }

    [Fact]
    public void EmptyUntilWritten() => Assert.Empty(new LogRingBuffer(4).ToArray());
}

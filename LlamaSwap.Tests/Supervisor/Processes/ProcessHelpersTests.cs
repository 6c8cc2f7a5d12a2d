using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Processes.Native;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class ProcessHelpersTests
{
    [Fact]
    public void ReadinessIsPolledEvery20MillisecondsForTenSecondsThenEvery50ByDefault()
    {
        var options = new UpstreamProcessOptions();
        var early = Enumerable.Range(0, 8).Select(a => ReadinessBackoff.Delay(a, TimeSpan.FromMilliseconds(15 * a), options).TotalMilliseconds);

        Assert.Equal([10, 20, 20, 20, 20, 20, 20, 20], early);
        Assert.Equal(20, ReadinessBackoff.Delay(400, TimeSpan.FromSeconds(9.99), options).TotalMilliseconds);
        Assert.Equal(50, ReadinessBackoff.Delay(500, TimeSpan.FromSeconds(10), options).TotalMilliseconds);
        Assert.Equal(50, ReadinessBackoff.Delay(int.MaxValue, TimeSpan.FromMinutes(10), options).TotalMilliseconds);
    }

    [Fact]
    public void ReadinessPollsStartFastAndDoubleUpToTheCap()
    {
        var delays = Enumerable.Range(0, 8)
            .Select(a => ReadinessBackoff.Delay(a, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(250)).TotalMilliseconds);

        Assert.Equal([10, 20, 40, 80, 160, 250, 250, 250], delays);
        Assert.Equal(TimeSpan.FromMilliseconds(250), ReadinessBackoff.Delay(int.MaxValue, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public void StatParsingCountsFieldsFromTheLastParenthesis()
    {
        const string line = "4242 (evil) name (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615";

        var stat = ProcStat.Parse(4242, line);

        Assert.Equal(new ProcStat(4242, 'S', 1, 4242, 4242, 987654), stat);
        Assert.Null(ProcStat.Parse(1, "garbage"));
        Assert.True(ProcStat.Parse(1, line.Replace(") S ", ") Z ", StringComparison.Ordinal))!.Value.IsZombie);
    }

    [Fact]
    public void TheCurrentProcessIsReadFromProc()
    {
        var self = ProcStat.TryRead(Environment.ProcessId);

        Assert.NotNull(self);
        Assert.True(self.Value.StartTime > 0);
        Assert.Null(ProcStat.TryRead(int.MaxValue));
    }

    [Fact]
    public void ExecutablesAreFoundByPathOrInThePathVariable()
    {
        Assert.Equal("/bin/sh", ExecutableResolver.Resolve("/bin/sh", "", out _));
        Assert.Equal("/usr/bin/env", ExecutableResolver.Resolve("env", "/nonexistent:/usr/bin", out _));
        Assert.Null(ExecutableResolver.Resolve("env", "/nonexistent", out var notFound));
        Assert.Equal("executable file 'env' not found in $PATH", notFound);
        var plainFile = Path.GetTempFileName();
        try
        {
            Assert.Null(ExecutableResolver.Resolve(plainFile, "", out var notExecutable));
            Assert.Equal($"'{plainFile}' is not executable", notExecutable);
        }
        finally
        {
            File.Delete(plainFile);
        }
    }

    [Theory]
    [InlineData(60_000, "60s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(250, "250ms")]
    [InlineData(120_000, "120s")]
    public void DurationsReadAsInConfiguration(int milliseconds, string expected) =>
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void OutputTailKeepsTheLastLinesWithoutColourCodes()
    {
        var tail = new OutputTail(64);
        tail.Append("line 1\nline 2\n\e[31mline 3\e[0m\r\n\nline 4"u8);

        Assert.Equal(["line 2", "line 3", "line 4"], tail.LastLines(3));
    }
}

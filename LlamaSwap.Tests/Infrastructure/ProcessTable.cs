using System.Globalization;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>
/// Facts about any process on Linux, read from <c>/proc/&lt;pid&gt;/stat</c>: state, parent, process group.
/// Works for processes the test did not start (grandchildren), which <see cref="System.Diagnostics.Process"/>
/// cannot wait for. A zombie (exited, not yet reaped) counts as not alive.
/// </summary>
public static class ProcessTable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The stat line's fields after the command name, or null when the process does not exist.</summary>
    public static ProcessStat? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp ..." — comm may itself contain spaces and parentheses.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcessStat(
            pid,
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture));
    }

    public static bool IsAlive(int pid) => Read(pid) is { State: not ('Z' or 'X') };

    /// <summary>Waits until the process is gone or a zombie; polls, since it need not be our child.</summary>
    public static async Task WaitForExitAsync(int pid, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var effectiveTimeout = timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(effectiveTimeout);
        try
        {
            while (IsAlive(pid))
                await Task.Delay(PollInterval, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"process {pid} was still alive after {effectiveTimeout}");
        }
    }
}

/// <summary>Selected fields of <c>/proc/&lt;pid&gt;/stat</c>.</summary>
public sealed record ProcessStat(int Pid, char State, int ParentPid, int ProcessGroup);

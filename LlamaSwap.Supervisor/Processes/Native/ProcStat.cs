using System.Globalization;

namespace LlamaSwap.Supervisor.Processes.Native;

/// <summary>
/// The fields of <c>/proc/&lt;pid&gt;/stat</c> the Supervisor needs. <see cref="StartTime"/> (field 22, clock ticks
/// since boot) together with the PID identifies one process for the lifetime of a boot: a reused PID has a later
/// start time.
/// </summary>
internal readonly record struct ProcStat(int Pid, char State, int ParentPid, int ProcessGroupId, int SessionId, ulong StartTime)
{
    private const string ProcRoot = "/proc";

    /// <summary>Zombies (and dead entries) no longer run code or hold resources other than their PID.</summary>
    public bool IsZombie => State is 'Z' or 'X' or 'x';

    public static bool IsAvailable => Directory.Exists(Path.Combine(ProcRoot, "self"));

    public static ProcStat? TryRead(int pid)
    {
        try
        {
            return Parse(pid, File.ReadAllText(Path.Combine(ProcRoot, pid.ToString(CultureInfo.InvariantCulture), "stat")));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every process whose stat can be read; processes vanishing during the scan are skipped.</summary>
    public static IEnumerable<ProcStat> EnumerateAll()
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(ProcRoot);
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(pid) is { } stat)
            {
                yield return stat;
            }
        }
    }

    /// <summary>
    /// Parses one stat line. The command name (field 2) is in parentheses and may itself contain spaces and
    /// parentheses, so the remaining fields are counted from the last <c>')'</c>.
    /// </summary>
    public static ProcStat? Parse(int pid, string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        const int startTimeIndex = 22 - 3;
        if (fields.Length <= startTimeIndex || fields[0].Length != 1)
        {
            return null;
        }

        return int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            && int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            && int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            && ulong.TryParse(fields[startTimeIndex], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcStat(pid, fields[0][0], parent, group, session, start)
            : null;
    }
}

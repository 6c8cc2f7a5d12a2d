using System.Globalization;

namespace LlamaSwap.Benchmarks.Harness;

/// <summary>
/// What Linux's /proc tells about a process from the outside: CPU time from <c>/proc/PID/stat</c>
/// (user + system, in clock ticks), resident and peak resident memory from <c>/proc/PID/status</c>
/// (<c>VmRSS</c>, <c>VmHWM</c>), its parent and its command line.
/// </summary>
internal static class ProcFs
{
    /// <summary>USER_HZ: fixed at 100 by the kernel ABI on x86-64 and arm64, whatever CONFIG_HZ is.</summary>
    public const double ClockTicksPerSecond = 100;

    /// <summary>User + system CPU seconds the process has used, or null when it is gone.</summary>
    public static double? CpuSeconds(int pid)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return null;
        }

        // After "pid (comm)": state is field 3, utime field 14, stime field 15 (1-based, as in proc(5)).
        var utime = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        return (utime + stime) / ClockTicksPerSecond;
    }

    public static int? ParentPid(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? null : int.Parse(fields[4 - 3], CultureInfo.InvariantCulture);
    }

    /// <summary>Current resident memory in bytes (<c>VmRSS</c>).</summary>
    public static long? ResidentBytes(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    /// <summary>Peak resident memory since the process started, in bytes (<c>VmHWM</c>).</summary>
    public static long? PeakResidentBytes(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    /// <summary>The command line, arguments joined by spaces; empty when the process is gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Every live process whose parent chain leads to <paramref name="root"/>, the root excluded.</summary>
    public static IReadOnlyList<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentPid(pid) is { } parent)
            {
                parents[pid] = parent;
            }
        }

        var result = new List<int>();
        foreach (var pid in parents.Keys)
        {
            for (var p = parents[pid]; parents.ContainsKey(p) || p == root; p = parents[p])
            {
                if (p == root)
                {
                    result.Add(pid);
                    break;
                }
            }
        }

        return result;
    }

    private static string[]? StatFields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // comm may contain spaces and parentheses: the fields start after the last ')'.
        var close = text.LastIndexOf(')');
        return text[(close + 2)..].Split(' ');
    }

    private static long? StatusKilobytes(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}

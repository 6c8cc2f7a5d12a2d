using System.Runtime.InteropServices;

namespace LlamaSwap.Supervisor.Processes.Native;

/// <summary>Signals and liveness of a whole process group (an upstream and everything it forked).</summary>
internal static class ProcessGroup
{
    /// <summary>
    /// Sends <paramref name="signal"/> to every process of group <paramref name="groupId"/>. With
    /// <paramref name="fallBackToLeader"/>, when the group does not exist (yet) the single process
    /// <paramref name="groupId"/> gets it instead, as llama-swap does; only pass it while that process is known to be
    /// unreaped, or the PID could belong to someone else. Returns false when no process got the signal.
    /// </summary>
    public static bool Signal(int groupId, int signal, bool fallBackToLeader)
    {
        if (groupId <= 1)
        {
            // -1 and 0 address "every process" and "my own group": never valid targets.
            throw new ArgumentOutOfRangeException(nameof(groupId), groupId, "not a process group of an upstream");
        }

        return Libc.Kill(-groupId, signal) == 0 || (fallBackToLeader && Libc.Kill(groupId, signal) == 0);
    }

    /// <summary>
    /// True while any process of the group still runs. Zombies do not count: orphans whose new parent does not reap
    /// them (a container's init, for one) stay in the group as zombies forever, holding nothing.
    /// </summary>
    public static bool HasLiveMembers(int groupId)
    {
        if (Libc.Kill(-groupId, 0) != 0 && Marshal.GetLastPInvokeError() == Libc.ErrorNoSuchProcess)
        {
            return false;
        }

        if (!ProcStat.IsAvailable)
        {
            return true;
        }

        foreach (var stat in ProcStat.EnumerateAll())
        {
            if (stat.ProcessGroupId == groupId && !stat.IsZombie)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The live (non-zombie) members of a group, read from /proc.</summary>
    public static IReadOnlyList<ProcStat> LiveMembers(int groupId) =>
        [.. ProcStat.EnumerateAll().Where(s => s.ProcessGroupId == groupId && !s.IsZombie)];

    /// <summary>True when a process with this PID exists and is not a zombie.</summary>
    public static bool IsProcessAlive(int pid) =>
        ProcStat.IsAvailable
            ? ProcStat.TryRead(pid) is { IsZombie: false }
            : Libc.Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != Libc.ErrorNoSuchProcess;
}

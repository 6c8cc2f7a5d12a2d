using System.ComponentModel;
using System.Diagnostics;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Lifecycle;

/// <summary>
/// The <c>--fork-child</c> switch: starts a long-lived grandchild (a shell sleeping for an hour) in the
/// simulator's own process group, and deliberately leaves it running when the simulator exits, like wrapper
/// scripts and servers that spawn helpers. A supervisor has to clean up the whole tree to get rid of it.
/// The child inherits stdout, as a real forked helper does.
/// </summary>
internal static class ForkChild
{
    public const string Shell = "/bin/sh";
    public const string Command = "sleep 3600";

    /// <summary>Starts the child and logs its PID; logs why and returns false when it cannot be started.</summary>
    public static bool TryStart(SimulatorLog log)
    {
        var start = new ProcessStartInfo(Shell) { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Command);
        try
        {
            using var child = Process.Start(start);
            if (child is null)
                return Failed(log, "no process was started");
            log.Important($"fork-child pid {child.Id} started: {Shell} -c \"{Command}\"");
            return true;
        }
        catch (Win32Exception e)
        {
            return Failed(log, e.Message);
        }
    }

    private static bool Failed(SimulatorLog log, string reason)
    {
        log.Important($"fork-child: cannot start {Shell} -c \"{Command}\" (--fork-child): {reason}");
        return false;
    }
}

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

    public static void Start(SimulatorLog log)
    {
        var start = new ProcessStartInfo(Shell) { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Command);
        using var child = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start the fork child '{Shell} -c \"{Command}\"'");
        log.Important($"fork-child pid {child.Id} started: {Shell} -c \"{Command}\"");
    }
}

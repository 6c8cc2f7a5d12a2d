using System.Runtime.InteropServices;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>Sends POSIX signals to a process by id (.NET's Process.Kill only sends SIGKILL).</summary>
public static class ProcessSignals
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/>; returns false when the process no longer exists.</summary>
    public static bool Send(int pid, int signal)
    {
        if (Kill(pid, signal) == 0)
            return true;
        var error = Marshal.GetLastPInvokeError();
        const int NoSuchProcess = 3; // ESRCH
        return error == NoSuchProcess
            ? false
            : throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {error}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}

using System.Runtime.InteropServices;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>SIGTERM for a graceful stop: .NET's Process API only offers SIGKILL.</summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    public static bool TrySendTerminate(int pid) => OperatingSystem.IsWindows() ? false : Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

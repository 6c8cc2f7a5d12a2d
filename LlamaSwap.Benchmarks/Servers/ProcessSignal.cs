using System.Runtime.InteropServices;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>SIGTERM for a graceful stop (<see cref="System.Diagnostics.Process.Kill()"/> only sends SIGKILL).</summary>
internal static partial class ProcessSignal
{
    private const int SigTerm = 15;

    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

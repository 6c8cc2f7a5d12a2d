using System.Runtime.InteropServices;

namespace LlamaSwap.Supervisor.Processes.Native;

/// <summary>The few libc calls .NET does not expose: signals to a process group and group lookup.</summary>
/// <remarks>
/// <c>DllImport</c> rather than <c>LibraryImport</c>: the generated stubs need unsafe code, and these signatures are
/// blittable, so the runtime marshals them without any stub work anyway.
/// </remarks>
internal static class Libc
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>No such process or process group (same value on Linux and macOS).</summary>
    public const int ErrorNoSuchProcess = 3;

    /// <summary><c>kill(2)</c>: a negative <paramref name="pid"/> addresses the process group <c>-pid</c>; signal 0 only checks existence.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    public static extern int GetProcessGroupId(int pid);
}

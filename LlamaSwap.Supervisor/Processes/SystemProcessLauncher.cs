using System.Diagnostics;
using LlamaSwap.Supervisor.Processes.Native;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// Launches processes with <see cref="Process"/>, each as the leader of a new process group, so that one signal to
/// the group reaches wrapper scripts and everything they fork.
/// </summary>
/// <remarks>
/// .NET cannot call <c>setpgid</c> between fork and exec, so the command runs through util-linux
/// <c>setsid</c>: when its caller is not a process-group leader (a freshly forked child never is) it calls
/// <c>setsid()</c> and execs the command in place, so the PID <see cref="Process"/> reports is the command's own and
/// its process group (and session) ID equals that PID. <see cref="Launch"/> waits, bounded, until that is so.
/// Without <c>setsid</c> (not Linux) the command runs directly and signals reach only the process itself.
/// </remarks>
internal sealed class SystemProcessLauncher : IProcessLauncher
{
    private static readonly TimeSpan GroupSetupTimeout = TimeSpan.FromSeconds(5);

    private static readonly Lazy<string?> SetsidPath = new(() =>
        OperatingSystem.IsLinux() ? ExecutableResolver.Resolve("setsid", "/usr/bin:/bin:" + Environment.GetEnvironmentVariable("PATH"), out _) : null);

    /// <summary>True when launched processes get their own process group.</summary>
    public static bool UsesProcessGroups => SetsidPath.Value is not null;

    public ILaunchedProcess Launch(ProcessLaunchSpec spec)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        if (SetsidPath.Value is { } setsid)
        {
            startInfo.FileName = setsid;
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(spec.FileName);
        }
        else
        {
            startInfo.FileName = spec.FileName;
        }

        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The Supervisor's own service settings stay with it; the model's entries come after and may set them.
        UpstreamEnvironment.RemoveServiceSettings(startInfo.Environment);
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        if (!spec.KeepStandardInputOpen)
        {
            process.StandardInput.Close();
        }

        var launched = new LaunchedProcess(process, exited.Task, spec.KeepStandardInputOpen ? process.StandardInput : null);
        if (UsesProcessGroups)
        {
            WaitUntilGroupLeader(launched);
        }

        return launched;
    }

    /// <summary>
    /// <c>Process.Start</c> returns once <c>setsid</c> is exec'd, a moment before it has called <c>setsid()</c>; a
    /// group signal sent in that moment would miss. Waits for the new group (microseconds in practice).
    /// </summary>
    private static void WaitUntilGroupLeader(LaunchedProcess launched)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(GroupSetupTimeout.TotalSeconds * Stopwatch.Frequency);
        var spinner = new SpinWait();
        while (Libc.GetProcessGroupId(launched.Pid) != launched.Pid && !launched.Exited.IsCompleted)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                launched.Signal(TreeSignal.Kill);
                launched.Dispose();
                throw new InvalidOperationException($"process {launched.Pid} did not become the leader of its own process group within {GroupSetupTimeout.TotalSeconds:0}s");
            }

            spinner.SpinOnce(sleep1Threshold: 20);
        }
    }

    private sealed class LaunchedProcess(Process process, Task<int> exited, StreamWriter? standardInput) : ILaunchedProcess
    {
        public int Pid { get; } = process.Id;

        public int ProcessGroupId => Pid;

        public Stream StandardOutput { get; } = process.StandardOutput.BaseStream;

        public Stream StandardError { get; } = process.StandardError.BaseStream;

        public StreamWriter? StandardInput => standardInput;

        public Task<int> Exited => exited;

        public void Signal(TreeSignal signal)
        {
            var number = signal == TreeSignal.Kill ? Libc.SigKill : Libc.SigTerm;
            var leaderUnreaped = !Exited.IsCompleted;
            if (!UsesProcessGroups)
            {
                if (leaderUnreaped)
                {
                    Libc.Kill(Pid, number);
                }

                return;
            }

            // The group ID stays reserved while any member lives, so signalling the group after the leader was
            // reaped reaches only what is left of this tree; once nothing is left, the ID may be someone else's.
            if (leaderUnreaped || ProcessGroup.HasLiveMembers(ProcessGroupId))
            {
                ProcessGroup.Signal(ProcessGroupId, number, fallBackToLeader: leaderUnreaped);
            }
        }

        public bool IsTreeAlive() =>
            !Exited.IsCompleted || (UsesProcessGroups && ProcessGroup.HasLiveMembers(ProcessGroupId));

        public void Dispose() => process.Dispose();
    }
}

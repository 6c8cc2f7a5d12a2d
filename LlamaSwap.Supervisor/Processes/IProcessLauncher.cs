namespace LlamaSwap.Supervisor.Processes;

/// <summary>Starts OS processes, each in its own process group; the seam between process logic and the OS.</summary>
internal interface IProcessLauncher
{
    /// <summary>
    /// Starts <paramref name="spec"/> and returns once the process runs as the leader of its own process group
    /// (or has already exited). Throws when the executable cannot be started at all.
    /// </summary>
    ILaunchedProcess Launch(ProcessLaunchSpec spec);
}

/// <param name="FileName">Absolute path of the executable (already resolved against PATH).</param>
/// <param name="Arguments">argv[1..]; passed as-is, never through a shell.</param>
/// <param name="Environment">
/// Added in order (later duplicates win) to the Supervisor's environment without its own service settings
/// (<see cref="UpstreamEnvironment"/>).
/// </param>
/// <param name="KeepStandardInputOpen">
/// False: the child's stdin is an empty pipe (EOF at once). True: <see cref="ILaunchedProcess.StandardInput"/> is
/// the write end.
/// </param>
internal sealed record ProcessLaunchSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    bool KeepStandardInputOpen = false);

internal enum TreeSignal
{
    /// <summary>SIGTERM: ask every process of the tree to exit.</summary>
    Terminate,

    /// <summary>SIGKILL: end every process of the tree now.</summary>
    Kill,
}

/// <summary>One started process and the process group (tree) it leads.</summary>
internal interface ILaunchedProcess : IDisposable
{
    int Pid { get; }

    /// <summary>The group every descendant lands in unless it deliberately leaves it; equals <see cref="Pid"/>.</summary>
    int ProcessGroupId { get; }

    /// <summary>Raw stdout bytes (ANSI colours and partial lines intact).</summary>
    Stream StandardOutput { get; }

    Stream StandardError { get; }

    /// <summary>The write end of stdin when launched with <see cref="ProcessLaunchSpec.KeepStandardInputOpen"/>.</summary>
    StreamWriter? StandardInput { get; }

    /// <summary>Completes with the exit code (128 + signal when killed by one) once the process has been reaped.</summary>
    Task<int> Exited { get; }

    /// <summary>Signals every process of the group; a no-op when nothing is left.</summary>
    void Signal(TreeSignal signal);

    /// <summary>True while the process itself or any non-zombie member of its group still runs.</summary>
    bool IsTreeAlive();
}

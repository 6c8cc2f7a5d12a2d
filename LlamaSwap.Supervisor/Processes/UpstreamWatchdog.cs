using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// A tiny <c>/bin/sh</c> process per upstream that ends the upstream's process group within about two seconds when the
/// Supervisor dies without stopping it (SIGKILL, crash, OOM killer).
/// </summary>
/// <remarks>
/// <para>
/// The watchdog blocks reading its stdin, a pipe whose only write end the Supervisor holds (.NET opens it
/// close-on-exec, so no other child inherits it). When the Supervisor dies, for any reason, the kernel closes that end
/// and the read returns end-of-file at once; no polling of the parent PID, which could be reused. A normal stop writes
/// <c>release</c> first, and the watchdog exits without touching anything.
/// </para>
/// <para>
/// It runs in its own session, so neither the signals sent to the upstream's group nor a terminal's Ctrl-C reach it.
/// Before signalling it checks that the group's leader is either gone or still the process it was started for (same
/// start time), so a reused PID is never signalled. <c>PR_SET_PDEATHSIG</c> is not an option from .NET: it fires when
/// the thread that forked exits, not the process.
/// </para>
/// <para>
/// This is the fast path; <see cref="Leftovers.LeftoverUpstreamReaper"/> at the next start is the guarantee.
/// </para>
/// </remarks>
internal sealed partial class UpstreamWatchdog : IDisposable
{
    private const string ReleaseWord = "release";

    // $1 = process group (= leader PID), $2 = leader start time. After `set --` below, $3 is field 3 of
    // /proc/<pid>/stat, so field 22 (start time) is ${22}.
    private const string Script = """
        exec >/dev/null 2>&1
        IFS= read -r line
        [ "$line" = release ] && exit 0
        if stat=$(cat "/proc/$1/stat"); then
          set -- "$1" "$2" ${stat##*) }
          [ "${22}" = "$2" ] || exit 0
        fi
        kill -TERM -"$1" || exit 0
        i=0
        while [ $i -lt 20 ] && kill -0 -"$1"; do sleep 0.1; i=$((i + 1)); done
        kill -KILL -"$1"
        exit 0
        """;

    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

    private readonly ILaunchedProcess _process;
    private readonly ILogger _logger;
    private int _released;

    private UpstreamWatchdog(ILaunchedProcess process, ILogger logger)
    {
        _process = process;
        _logger = logger;
    }

    public int Pid => _process.Pid;

    /// <summary>Starts a watchdog for a group, or returns null (logged) when none can run here.</summary>
    public static UpstreamWatchdog? TryStart(IProcessLauncher launcher, int processGroupId, ulong leaderStartTime, ILogger logger)
    {
        if (!SystemProcessLauncher.UsesProcessGroups || ExecutableResolver.Resolve("sh", "/bin:/usr/bin", out _) is not { } shell)
        {
            return null;
        }

        try
        {
            var process = launcher.Launch(new ProcessLaunchSpec(
                shell,
                ["-c", Script, "llamaswap-watchdog", processGroupId.ToString(CultureInfo.InvariantCulture), leaderStartTime.ToString(CultureInfo.InvariantCulture)],
                [],
                KeepStandardInputOpen: true));
            return new UpstreamWatchdog(process, logger);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            LogNotStarted(logger, processGroupId, e.Message);
            return null;
        }
    }

    /// <summary>Tells the watchdog its upstream was stopped on purpose and waits (bounded) for it to exit.</summary>
    public async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        try
        {
            if (_process.StandardInput is { } input)
            {
                await input.WriteLineAsync(ReleaseWord).ConfigureAwait(false);
                await input.FlushAsync().ConfigureAwait(false);
                input.Close();
            }

            await _process.Exited.WaitAsync(ReleaseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException)
        {
            LogReleaseFailed(_logger, _process.Pid, e.Message);
            _process.Signal(TreeSignal.Kill);
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>Closes the pipe without releasing: exactly what the kernel does when the Supervisor dies.</summary>
    internal void CloseLikeADeadSupervisor()
    {
        Interlocked.Exchange(ref _released, 1);
        _process.StandardInput?.Close();
    }

    internal Task<int> Exited => _process.Exited;

    public void Dispose()
    {
        if (Volatile.Read(ref _released) == 0)
        {
            // Abandoned without a stop: behave as if the Supervisor died, the group must not outlive its owner.
            CloseLikeADeadSupervisor();
        }

        _process.Dispose();
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "No watchdog for process group {ProcessGroupId}: {Reason}; if the Supervisor is killed, the leftover reaper cleans it up at the next start")]
    private static partial void LogNotStarted(ILogger logger, int processGroupId, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Watchdog {Pid} did not exit when released ({Reason}); killed it")]
    private static partial void LogReleaseFailed(ILogger logger, int pid, string reason);
}

using LlamaSwap.Supervisor.Processes.Native;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Processes.Leftovers;

/// <summary>
/// Run once when the Supervisor starts, before any upstream is launched: ends the process groups a previous
/// Supervisor recorded and did not stop (it was SIGKILLed or crashed), so they free their GPU memory and ports.
/// </summary>
/// <remarks>
/// A record is acted on only when the Supervisor that wrote it is gone and the boot is the same. Its group is ended
/// when the recorded leader still runs with the recorded start time, or, when the leader is gone, when members of its
/// group remain that started after it (a PID cannot be reused while it still names a process group, so those are
/// the leader's descendants). A live process whose PID matches but whose start time differs is never touched.
/// </remarks>
internal sealed partial class LeftoverUpstreamReaper(
    UpstreamStateFile file,
    TimeProvider time,
    ILogger<LeftoverUpstreamReaper> logger,
    LeftoverReaperOptions? options = null)
{
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(50);
    private readonly LeftoverReaperOptions _options = options ?? new LeftoverReaperOptions();

    public async Task<IReadOnlyList<LeftoverOutcome>> ReapAsync(CancellationToken cancellationToken)
    {
        UpstreamStateDocument? document;
        try
        {
            document = file.Read();
        }
        catch (InvalidDataException e)
        {
            LogUnreadable(e.Message);
            return [];
        }

        if (document is null)
        {
            return [];
        }

        if (document.BootId != UpstreamStateFile.CurrentBootId())
        {
            LogOtherBoot(file.Path, document.Upstreams.Count);
            TryDelete();
            return [.. document.Upstreams.Select(r => new LeftoverOutcome(r, LeftoverAction.FromEarlierBoot))];
        }

        var self = UpstreamStateFile.CurrentProcess();
        if (document.Supervisor == self || IsRunning(document.Supervisor))
        {
            LogOwnedByLiveSupervisor(file.Path, document.Supervisor.Pid);
            return [.. document.Upstreams.Select(r => new LeftoverOutcome(r, LeftoverAction.OwnerStillRunning))];
        }

        var outcomes = new List<LeftoverOutcome>();
        foreach (var record in document.Upstreams)
        {
            var action = await ReapAsync(record, cancellationToken).ConfigureAwait(false);
            LogOutcome(record.ModelId, record.Pid, record.ProcessGroupId, action);
            outcomes.Add(new LeftoverOutcome(record, action));
        }

        TryDelete();
        return outcomes;
    }

    private async Task<LeftoverAction> ReapAsync(UpstreamRecord record, CancellationToken cancellationToken)
    {
        if (record.ProcessGroupId <= 1 || record.Pid <= 1)
        {
            return LeftoverAction.Invalid;
        }

        var leader = ProcStat.TryRead(record.Pid);
        var leaderIsOurs = leader is { } l && l.StartTime == record.StartTime;
        if (leader is { IsZombie: false } && !leaderIsOurs)
        {
            return LeftoverAction.PidReused;
        }

        if (!leaderIsOurs && !ProcessGroup.LiveMembers(record.ProcessGroupId).Any(m => m.StartTime >= record.StartTime))
        {
            return LeftoverAction.AlreadyGone;
        }

        ProcessGroup.Signal(record.ProcessGroupId, Libc.SigTerm, fallBackToLeader: leaderIsOurs);
        if (await WaitUntilGoneAsync(record, _options.GracePeriod, cancellationToken).ConfigureAwait(false))
        {
            return LeftoverAction.Terminated;
        }

        ProcessGroup.Signal(record.ProcessGroupId, Libc.SigKill, fallBackToLeader: leaderIsOurs);
        return await WaitUntilGoneAsync(record, _options.KillWaitTimeout, cancellationToken).ConfigureAwait(false)
            ? LeftoverAction.Killed
            : LeftoverAction.SurvivedKill;
    }

    private async Task<bool> WaitUntilGoneAsync(UpstreamRecord record, TimeSpan bound, CancellationToken cancellationToken)
    {
        var deadline = time.GetTimestamp() + (long)(bound.TotalSeconds * time.TimestampFrequency);
        var interval = TimeSpan.FromMilliseconds(1);
        while (ProcessGroup.HasLiveMembers(record.ProcessGroupId) || ProcStat.TryRead(record.Pid) is { IsZombie: false } p && p.StartTime == record.StartTime)
        {
            if (time.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPollInterval.Ticks));
        }

        return true;
    }

    private static bool IsRunning(ProcessIdentity process) =>
        ProcStat.TryRead(process.Pid) is { IsZombie: false } stat && stat.StartTime == process.StartTime;

    private void TryDelete()
    {
        try
        {
            file.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogUnreadable($"{file.Path}: could not remove it ({e.Message})");
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Ignoring the upstream state file: {Problem}")]
    private partial void LogUnreadable(string problem);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Upstream state file {Path} is from an earlier boot; its {Count} record(s) name nothing that still runs")]
    private partial void LogOtherBoot(string path, int count);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning,
        Message = "Upstream state file {Path} belongs to Supervisor pid {Pid}, which is still running; leaving its upstreams alone (give each Supervisor its own state file)")]
    private partial void LogOwnedByLiveSupervisor(string path, int pid);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Leftover upstream for model {ModelId} (pid {Pid}, process group {ProcessGroupId}): {Action}")]
    private partial void LogOutcome(string modelId, int pid, int processGroupId, LeftoverAction action);
}

internal sealed record LeftoverReaperOptions
{
    /// <summary>Time a leftover group gets to exit after SIGTERM before SIGKILL.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan KillWaitTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

internal enum LeftoverAction
{
    /// <summary>Nothing of the group ran any more.</summary>
    AlreadyGone,

    /// <summary>The group exited after SIGTERM.</summary>
    Terminated,

    /// <summary>The group needed SIGKILL.</summary>
    Killed,

    /// <summary>Still there after SIGKILL and the wait (uninterruptible I/O, usually a driver).</summary>
    SurvivedKill,

    /// <summary>The PID runs, but with another start time: someone else's process, left alone.</summary>
    PidReused,

    /// <summary>The Supervisor that wrote the record still runs; its upstreams are not leftovers.</summary>
    OwnerStillRunning,

    /// <summary>Written before the last reboot.</summary>
    FromEarlierBoot,

    /// <summary>A record with a PID or group no upstream can have.</summary>
    Invalid,
}

internal sealed record LeftoverOutcome(UpstreamRecord Record, LeftoverAction Action);

using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Processes.Native;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class UpstreamWatchdogTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = ProcessTestHarness.Bound;
    private readonly SystemProcessLauncher _launcher = new();
    private readonly List<ILaunchedProcess> _launched = [];

    [Fact]
    public async Task EndsTheGroupWhenTheSupervisorEndOfItsPipeCloses()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("""trap "" TERM; sleep 300 & echo "child=$!"; exec sleep 300""");
        using var output = new StreamReader(group.StandardOutput);
        Assert.StartsWith("child=", await output.ReadLineAsync(ct).AsTask().WaitAsync(Bound, ct), StringComparison.Ordinal);
        using var watchdog = UpstreamWatchdog.TryStart(_launcher, group.ProcessGroupId, StartTime(group), NullLogger.Instance) ?? throw new InvalidOperationException("no watchdog could start");

        watchdog.CloseLikeADeadSupervisor();

        await watchdog.Exited.WaitAsync(Bound, ct);
        await group.Exited.WaitAsync(Bound, ct);
        await ProcessTestHarness.WaitUntil(() => !ProcessGroup.HasLiveMembers(group.ProcessGroupId), "the group is gone");
    }

    [Fact]
    public async Task AReleasedWatchdogExitsAndLeavesTheGroupAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("exec sleep 300");
        var watchdog = UpstreamWatchdog.TryStart(_launcher, group.ProcessGroupId, StartTime(group), NullLogger.Instance) ?? throw new InvalidOperationException("no watchdog could start");
        var exited = watchdog.Exited;

        await watchdog.ReleaseAsync().WaitAsync(Bound, ct);

        Assert.Equal(0, await exited.WaitAsync(Bound, ct));
        Assert.True(ProcessTestHarness.IsAlive(group.Pid));
    }

    [Fact]
    public async Task NeverSignalsALeaderWithAnotherStartTime()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("exec sleep 300");
        using var watchdog = UpstreamWatchdog.TryStart(_launcher, group.ProcessGroupId, StartTime(group) + 1, NullLogger.Instance) ?? throw new InvalidOperationException("no watchdog could start");

        watchdog.CloseLikeADeadSupervisor();

        Assert.Equal(0, await watchdog.Exited.WaitAsync(Bound, ct));
        Assert.True(ProcessTestHarness.IsAlive(group.Pid));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _launched)
        {
            process.Signal(TreeSignal.Kill);
            await process.Exited.WaitAsync(Bound);
            process.Dispose();
        }
    }

    private ILaunchedProcess Launch(string script)
    {
        var process = _launcher.Launch(new ProcessLaunchSpec("/bin/sh", ["-c", script], []));
        _launched.Add(process);
        return process;
    }

    private static ulong StartTime(ILaunchedProcess process) => ProcStat.TryRead(process.Pid)!.Value.StartTime;
}

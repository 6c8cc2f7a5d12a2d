using System.Diagnostics;
using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Processes.Native;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class UpstreamProcessStopTests
{
    private const int ExitBySigterm = 128 + 15;
    private const int ExitBySigkill = 128 + 9;
    private static readonly TimeSpan Bound = ProcessTestHarness.Bound;

    [Fact]
    public async Task StopSendsSigtermAndReturnsOnceTheTreeIsGoneAndThePortFree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("stop-term");
        var process = harness.Create(model);
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        var pid = Assert.NotNull(process.Pid);
        Assert.Single(harness.StateFile.Read()!.Upstreams, r => r.Pid == pid);

        await process.StopAsync(TimeSpan.FromSeconds(10), ct).WaitAsync(Bound, ct);

        Assert.False(ProcessGroup.HasLiveMembers(pid));
        Assert.True(ProcessTestHarness.PortIsFree(model.Port!.Value));
        Assert.True(process.Exited.IsCompleted);
        Assert.Equal(ExitBySigterm, await process.Exited);
        Assert.Empty(harness.StateFile.Read()!.Upstreams);
    }

    [Fact]
    public async Task AnUpstreamIgnoringSigtermIsKilledWhenTheGracefulWindowEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel("stubborn", "--sigterm", "ignore"));
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        var clock = Stopwatch.StartNew();

        await process.StopAsync(TimeSpan.FromMilliseconds(500), ct).WaitAsync(Bound, ct);

        // Timers may fire a hair before the Stopwatch says the window ended; 50 ms of slack is not "early".
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        Assert.Equal(ExitBySigkill, await process.Exited);
        Assert.False(ProcessGroup.HasLiveMembers(process.Pid!.Value));
    }

    [Fact]
    public async Task AnUpstreamThatTakesAWhileToHonourSigtermIsNotKilledInsideTheWindow()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel("slow-exit", "--sigterm", "delay:0.3"));
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        await process.StopAsync(TimeSpan.FromSeconds(10), ct).WaitAsync(Bound, ct);

        Assert.Equal(0, await process.Exited);
    }

    [Fact]
    public async Task AForkedGrandchildHoldingThePortIsGoneAfterStop()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("forking", "--fork-child", "--sigterm", "ignore");
        var process = harness.Create(model);
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        var server = await harness.WaitForNumberAfter(model.Id, "forked server ");
        Assert.NotEqual(process.Pid, server);
        Assert.Equal(process.Pid, ProcStat.TryRead(server)?.ProcessGroupId);

        await process.StopAsync(TimeSpan.FromMilliseconds(300), ct).WaitAsync(Bound, ct);

        Assert.False(ProcessTestHarness.IsAlive(server));
        Assert.False(ProcessGroup.HasLiveMembers(process.Pid!.Value));
        Assert.True(ProcessTestHarness.PortIsFree(model.Port!.Value));
    }

    [Fact]
    public async Task WhatALeaderLeavesBehindWhenItExitsIsCleanedUpBeforeExitedCompletes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var gate = Path.Combine(harness.Directory, "leader-may-exit");
        var model = ProcessTestHarness.Model(
            "wrapper-exits",
            FreePort.Get(),
            $$"""/bin/sh -c 'sleep 300 & echo "child=$!"; while [ ! -e {{gate}} ]; do sleep 0.01; done; exit 7'""") with { CheckEndpoint = "none" };
        var process = harness.Create(model);
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        var child = await harness.WaitForNumberAfter(model.Id, "child=");
        Assert.True(ProcessTestHarness.IsAlive(child));

        await File.WriteAllTextAsync(gate, "", ct);

        Assert.Equal(7, await process.Exited.WaitAsync(Bound, ct));
        Assert.False(ProcessTestHarness.IsAlive(child));
        Assert.Empty(harness.Registry.Running);
    }

    [Fact]
    public async Task CmdStopRunsWithThePidSubstitutedAndTheModelsEnv()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var marker = Path.Combine(harness.Directory, "stopped-by");
        var model = ProcessTestHarness.FakeModel("cmd-stop") with
        {
            CmdStop = $$"""/bin/sh -c 'echo "$0 $STOP_MARK" > {{marker}}; kill -TERM "$0"' ${PID}""",
            Env = ["STOP_MARK=from-env"],
        };
        var process = harness.Create(model);
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        await process.StopAsync(TimeSpan.FromSeconds(10), ct).WaitAsync(Bound, ct);

        Assert.Equal($"{process.Pid} from-env\n", await File.ReadAllTextAsync(marker, ct));
        Assert.Equal(ExitBySigterm, await process.Exited);
    }

    [Fact]
    public async Task AnUnusableCmdStopFallsBackToSigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel("bad-cmd-stop") with { CmdStop = "/nonexistent/stop ${PID}" });
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        await process.StopAsync(TimeSpan.FromSeconds(10), ct).WaitAsync(Bound, ct);

        Assert.Equal(ExitBySigterm, await process.Exited);
    }

    [Fact]
    public async Task StopIsANoOpBeforeStartAndIdempotentAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel("idempotent"));
        await process.StopAsync(TimeSpan.FromSeconds(1), ct).WaitAsync(Bound, ct);
        Assert.False(process.Exited.IsCompleted);
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        await Task.WhenAll(process.StopAsync(TimeSpan.FromSeconds(5), ct), process.StopAsync(TimeSpan.FromSeconds(5), ct)).WaitAsync(Bound, ct);
        await process.StopAsync(TimeSpan.FromSeconds(5), ct).WaitAsync(Bound, ct);

        Assert.False(ProcessGroup.HasLiveMembers(process.Pid!.Value));
    }

    [Fact]
    public async Task CancellingAStopCutsTheGracefulWindowShortAndStillWaitsForTheTree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel("cancel-stop", "--sigterm", "ignore"));
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var stopping = process.StopAsync(TimeSpan.FromMinutes(5), cancel.Token);
        Assert.False(stopping.IsCompleted);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopping.WaitAsync(Bound, ct));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.False(ProcessGroup.HasLiveMembers(process.Pid!.Value));
        Assert.Equal(ExitBySigkill, await process.Exited);
    }

    [Fact]
    public async Task AProcessOutsideTheGroupHoldingTheOutputPipesCannotHoldUpTheStop()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness(o => o with { PipeDrainTimeout = TimeSpan.FromMilliseconds(300) });
        var model = ProcessTestHarness.Model(
            "escaper",
            FreePort.Get(),
            """/bin/sh -c 'setsid sleep 60 & echo "escaped=$!"; exec sleep 300'""") with { CheckEndpoint = "none" };
        var process = harness.Create(model);
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        var escaped = await harness.WaitForNumberAfter(model.Id, "escaped=");
        try
        {
            await ProcessTestHarness.WaitUntil(() => ProcStat.TryRead(escaped)?.SessionId == escaped, "the background process left the group");
            var clock = Stopwatch.StartNew();

            await process.StopAsync(TimeSpan.FromSeconds(5), ct).WaitAsync(Bound, ct);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
            Assert.True(ProcessTestHarness.IsAlive(escaped), "the escaped process should still hold the pipes");
            Assert.False(ProcessGroup.HasLiveMembers(process.Pid!.Value));
        }
        finally
        {
            Libc.Kill(escaped, Libc.SigKill);
        }
    }

    [Fact]
    public async Task ExitedReportsAnUpstreamKilledFromOutside()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel("killed-outside"));
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        Libc.Kill(process.Pid!.Value, Libc.SigKill);

        Assert.Equal(ExitBySigkill, await process.Exited.WaitAsync(Bound, ct));
        Assert.Empty(harness.Registry.Running);
        await process.StopAsync(TimeSpan.FromSeconds(1), ct).WaitAsync(Bound, ct);
    }

    [Fact]
    public async Task DisposingKillsARunningTree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel("disposed", "--sigterm", "ignore"));
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        await process.DisposeAsync().AsTask().WaitAsync(Bound, ct);

        Assert.False(ProcessGroup.HasLiveMembers(process.Pid!.Value));
        Assert.Equal(ExitBySigkill, await process.Exited);
    }
}

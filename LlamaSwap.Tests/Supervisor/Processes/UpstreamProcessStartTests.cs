using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Processes.Native;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class UpstreamProcessStartTests
{
    private static readonly TimeSpan Bound = ProcessTestHarness.Bound;

    [Fact]
    public async Task StartsInItsOwnProcessGroupAndIsReadyOnceHealthAnswers200()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("ready-model", "--load-time", "0.2");
        var process = harness.Create(model);
        var reports = new List<UpstreamStartProgress>();

        await process.StartAsync(new SynchronousProgress(reports), ct).WaitAsync(Bound, ct);

        var pid = Assert.NotNull(process.Pid);
        var stat = Assert.NotNull(ProcStat.TryRead(pid));
        Assert.Equal(pid, stat.ProcessGroupId);
        Assert.Equal(pid, stat.SessionId);
        Assert.Equal(new UpstreamStartProgress(UpstreamStartPhase.Spawned, 0), reports[0]);
        Assert.Contains(reports, r => r.Phase == UpstreamStartPhase.WaitingForReady && r.Attempt > 1);
        Assert.False(process.Exited.IsCompleted);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{model.Proxy}/health", ct)).StatusCode);
        Assert.Contains($"fake upstream ready-model starting on port {model.Port}", harness.LogText("ready-model"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadinessIsNoticedWithinAFractionOfASecond()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("quick-model", "--load-time", "0.8");
        var process = harness.Create(model);
        var clock = Stopwatch.StartNew();
        var loadedAt = Task.Run(async () =>
        {
            await harness.WaitForLog(model.Id, t => t.Contains(FakeUpstream.LoadedLine, StringComparison.Ordinal));
            return clock.Elapsed;
        }, ct);

        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        var readyAt = clock.Elapsed;

        // Polls are at most 20 ms apart (llama-swap polls once a second); allow for a loaded machine.
        var latency = readyAt - await loadedAt.WaitAsync(Bound, ct);
        Assert.True(latency < TimeSpan.FromMilliseconds(300), $"readiness noticed {latency.TotalMilliseconds:0} ms after the upstream became ready");
    }

    [Fact]
    public async Task CheckEndpointNoneIsReadyOnceSpawned()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.Model("no-check", FreePort.Get(), "/bin/sleep 30") with { CheckEndpoint = "none" };
        var process = harness.Create(model);
        var reports = new List<UpstreamStartProgress>();

        await process.StartAsync(new SynchronousProgress(reports), ct).WaitAsync(Bound, ct);

        Assert.True(ProcessTestHarness.IsAlive(Assert.NotNull(process.Pid)));
        Assert.Equal([new UpstreamStartProgress(UpstreamStartPhase.Spawned, 0)], reports);
    }

    [Fact]
    public async Task AnUpstreamThatExitsDuringStartFailsAtOnceWithItsExitCodeAndLastOutput()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("crashing", "--fail", "exit:3") with { HealthCheckTimeout = TimeSpan.FromSeconds(60) };
        var process = harness.Create(model);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<UpstreamStartException>(() => process.StartAsync(null, ct).WaitAsync(Bound, ct));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.StartsWith("upstream command for model crashing exited prematurely with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("fatal: cannot load model file", error.Message, StringComparison.Ordinal);
        Assert.Contains("warming up", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\e[", error.Message, StringComparison.Ordinal);
        Assert.True(process.Exited.IsCompleted);
        Assert.Equal(3, await process.Exited);
        Assert.Empty(harness.Registry.Running);
    }

    [Fact]
    public async Task AHealthCheckTimeoutFailsTheStartAndKillsTheTree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("unhealthy", "--fail", "unhealthy") with { HealthCheckTimeout = TimeSpan.FromSeconds(1) };
        var process = harness.Create(model);

        var error = await Assert.ThrowsAsync<UpstreamStartException>(() => process.StartAsync(null, ct).WaitAsync(Bound, ct));

        Assert.StartsWith("health check for model unhealthy timed out after 1s", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({model.Proxy}/health: ", error.Message, StringComparison.Ordinal);
        Assert.False(ProcessTestHarness.IsAlive(Assert.NotNull(process.Pid)));
        Assert.False(ProcessGroup.HasLiveMembers(process.Pid.Value));
        Assert.True(ProcessTestHarness.PortIsFree(model.Port!.Value));
        Assert.True(process.Exited.IsCompleted);
    }

    [Fact]
    public async Task AHealthEndpointThatNeverAnswersIsBoundedByTheHealthCheckTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("hanging", "--fail", "hang") with { HealthCheckTimeout = TimeSpan.FromSeconds(1) };
        var process = harness.Create(model);

        var error = await Assert.ThrowsAsync<UpstreamStartException>(() => process.StartAsync(null, ct).WaitAsync(Bound, ct));

        Assert.StartsWith("health check for model hanging timed out after 1s", error.Message, StringComparison.Ordinal);
        Assert.False(ProcessGroup.HasLiveMembers(Assert.NotNull(process.Pid)));
    }

    [Fact]
    public async Task CancellingAStartKillsTheTreeBeforeReturning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel("cancelled", "--load-time", "60");
        var process = harness.Create(model);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var cancelOnALaterPoll = new SynchronousProgress(r =>
        {
            if (r.Attempt >= 2)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => process.StartAsync(cancelOnALaterPoll, cancel.Token).WaitAsync(Bound, ct));

        Assert.False(ProcessGroup.HasLiveMembers(Assert.NotNull(process.Pid)));
        Assert.True(ProcessTestHarness.PortIsFree(model.Port!.Value));
        Assert.Empty(harness.Registry.Running);
    }

    [Fact]
    public async Task AMissingExecutableIsNamedInTheError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var byPath = harness.Create(ProcessTestHarness.Model("by-path", 5999, "/nonexistent/llama-server --port 5999"));
        var byName = harness.Create(ProcessTestHarness.Model("by-name", 5999, "llamaswap-no-such-binary -m x"));

        var pathError = await Assert.ThrowsAsync<UpstreamStartException>(() => byPath.StartAsync(null, ct));
        var nameError = await Assert.ThrowsAsync<UpstreamStartException>(() => byName.StartAsync(null, ct));

        Assert.Equal("failed to start command '/nonexistent/llama-server --port 5999' for model by-path: '/nonexistent/llama-server' does not exist", pathError.Message);
        Assert.Equal("failed to start command 'llamaswap-no-such-binary -m x' for model by-name: executable file 'llamaswap-no-such-binary' not found in $PATH", nameError.Message);
        Assert.Null(byPath.Pid);
    }

    [Fact]
    public async Task APortHeldByAnotherProcessIsRefusedWithItsNumberBeforeSpawning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var process = harness.Create(ProcessTestHarness.Model("blocked", port, FakeUpstream.Command(port, "blocked")));

        var error = await Assert.ThrowsAsync<UpstreamStartException>(() => process.StartAsync(null, ct).WaitAsync(Bound, ct));

        Assert.StartsWith($"port {port} for model blocked is already in use by another process", error.Message, StringComparison.Ordinal);
        Assert.Contains($"(pid {Environment.ProcessId} ", error.Message, StringComparison.Ordinal);
        Assert.Null(process.Pid);
    }

    [Fact]
    public async Task TheModelEnvIsAddedToTheSupervisorsWithLaterDuplicatesWinning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.Model(
            "env-model",
            FreePort.Get(),
            """/bin/sh -c 'echo "A=$LS_A B=$LS_B PATH=${PATH:+inherited}"; exec sleep 30'""") with
        {
            CheckEndpoint = "none",
            Env = ["LS_A=first", "LS_B=b value", "LS_A=second"],
        };
        var process = harness.Create(model);

        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        var output = await harness.WaitForLog(model.Id, t => t.Contains('\n', StringComparison.Ordinal));
        Assert.Equal("A=second B=b value PATH=inherited\n", output);
    }

    [Fact]
    public async Task OutputReachesTheLogsAsRawBytesWithColoursAndPartialLines()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.Model(
            "raw-output",
            FreePort.Get(),
            """/bin/sh -c 'printf "\033[31mred\033[0m no newline"; printf "err" >&2; exec sleep 30'""") with { CheckEndpoint = "none" };
        var process = harness.Create(model);

        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        var output = await harness.WaitForLog(model.Id, t => t.Contains("newline", StringComparison.Ordinal) && t.Contains("err", StringComparison.Ordinal));

        Assert.Contains("\e[31mred\e[0m no newline", output, StringComparison.Ordinal);
        Assert.Contains("\e[31mred\e[0m no newline", Encoding.UTF8.GetString(harness.Logs.GetHistory("upstream")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInstanceStartsOnlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.Model("once", FreePort.Get(), "/bin/sleep 30") with { CheckEndpoint = "none" });
        await process.StartAsync(null, ct).WaitAsync(Bound, ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => process.StartAsync(null, ct));
    }

    /// <summary>Reports on the calling thread, unlike <see cref="Progress{T}"/>, so assertions see every report.</summary>
    private sealed class SynchronousProgress(Action<UpstreamStartProgress> report) : IProgress<UpstreamStartProgress>
    {
        public SynchronousProgress(List<UpstreamStartProgress> into)
            : this(r =>
            {
                lock (into)
                {
                    into.Add(r);
                }
            })
        {
        }

        public void Report(UpstreamStartProgress value) => report(value);
    }
}

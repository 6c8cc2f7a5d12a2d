using System.Globalization;
using System.Text.RegularExpressions;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Supervisor.Scheduling;
using LlamaSwap.Tests.Supervisor.Processes;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

public sealed partial class UnloadTests
{
    private static CallOptions Call => new(CancellationToken: TestToken);

    [Fact]
    public async Task HardUnloadEndsHeldLeasesWithAborted()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", settings: "unloadTimeout: 2"));
        await using var lease = await host.AcquireAsync("a");

        var reply = await host.Client.UnloadAsync(new UnloadRequest { ModelIds = { "a" }, Hard = true }, Call);

        await lease.Revoked.WhenCancelled().WaitAsync(Bound, TestToken);
        Assert.Equal(StatusCode.Aborted, lease.EndStatus?.StatusCode);
        Assert.Contains("unloaded", lease.EndStatus?.Detail, StringComparison.Ordinal);
        Assert.Equal(["a"], reply.UnloadedModelIds);
        Assert.False(ProcessTable.IsAlive(lease.Ready.Pid));
    }

    [Fact]
    public async Task SoftUnloadWaitsForTheLeaseThenStops()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));
        var lease = await host.AcquireAsync("a");

        var unload = host.Client.UnloadAsync(new UnloadRequest { ModelIds = { "a" } }, Call);
        var state = await host.Scheduler.FlushAsync(TestToken);
        Assert.Equal(LlamaSwap.Supervisor.Scheduling.ModelState.Ready, state["a"]!.State);
        Assert.False(unload.IsCompleted);
        Assert.False(lease.Revoked.IsCancellationRequested);

        await lease.DisposeAsync();
        var reply = await unload.WaitAsync(Bound, TestToken);

        Assert.Equal(["a"], reply.UnloadedModelIds);
        Assert.False(ProcessTable.IsAlive(lease.Ready.Pid));
    }

    [Fact]
    public async Task UnloadDuringALoadAbortsTheWaitingAcquireAndLeavesNothingRunning()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", ["--load-time", "10s"]));
        var progress = new RecordingProgress();
        var acquire = host.AcquireAsync("a", progress);
        await host.WaitForModelAsync("a", ModelState.Starting);

        await host.Client.UnloadAsync(new UnloadRequest { ModelIds = { "a" } }, Call);

        var aborted = await Assert.ThrowsAsync<RpcException>(() => acquire);
        Assert.Equal(StatusCode.Aborted, aborted.StatusCode);
        Assert.Contains("\"a\"", aborted.Detail, StringComparison.Ordinal);
        Assert.Equal(AcquireEvent.EventOneofCase.Starting, progress.Kinds[0]);
        Assert.Empty(host.Monitor.AlivePids());
        Assert.Equal(ModelState.Stopped, Model(await host.Client.GetStateAsync(options: Call), "a").State);
    }

    [Fact]
    public async Task UnloadingAForkingUpstreamThatIgnoresSigtermLeavesNoProcessAndFreesThePort()
    {
        var config = new TestConfig().Model("a", ["--fork-child", "--sigterm", "ignore"], "unloadTimeout: 1");
        await using var host = await StartAsync(config);
        int child;
        int leader;
        await using (var lease = await host.AcquireAsync("a"))
        {
            leader = lease.Ready.Pid;
            var output = await host.WaitForLogAsync("a", t => ForkChildLine().IsMatch(t));
            child = int.Parse(ForkChildLine().Match(output).Groups["pid"].Value, CultureInfo.InvariantCulture);
            Assert.True(ProcessTable.IsAlive(child));
        }

        var reply = await host.Client.UnloadAsync(new UnloadRequest { ModelIds = { "a" } }, Call);

        Assert.Equal(["a"], reply.UnloadedModelIds);
        Assert.False(ProcessTable.IsAlive(leader));
        Assert.False(ProcessTable.IsAlive(child));
        Assert.True(ProcessTestHarness.PortIsFree(config.Ports["a"]));
    }

    [Fact]
    public async Task UnloadWithoutModelIdsStopsEveryRunningModelAndAnUnknownIdIsNotFound()
    {
        var config = new TestConfig().Model("a").Model("b").Model("c").With("""
            groups:
              all:
                swap: false
                members: [a, b, c]
            """);
        await using var host = await StartAsync(config);
        await host.Client.LoadAsync(new LoadRequest { ModelId = "a" }, Call);
        await host.Client.LoadAsync(new LoadRequest { ModelId = "b" }, Call);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => host.Client.UnloadAsync(new UnloadRequest { ModelIds = { "a", "zz" } }, Call));
        var reply = await host.Client.UnloadAsync(new UnloadRequest(), Call);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"zz\"", unknown.Detail, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], reply.UnloadedModelIds.Order(StringComparer.Ordinal));
        Assert.Empty(host.Monitor.AlivePids());
    }

    [GeneratedRegex(@"fork-child pid (?<pid>\d+)")]
    private static partial Regex ForkChildLine();
}

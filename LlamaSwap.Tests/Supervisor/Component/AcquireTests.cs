using System.Net;
using System.Text;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>Acquire over real gRPC, with real simulator processes as upstreams.</summary>
public sealed class AcquireTests
{
    internal const string ChatBody = """{"model":"m","messages":[{"role":"user","content":"hello there"}]}""";

    [Fact]
    public async Task AcquireGivesAReadyUpstreamThatServesARequestAndDisposingReleasesIt()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));

        var lease = await host.AcquireAsync("a", requestId: "req-1");
        var ready = lease.Ready;
        Assert.Equal("a", ready.ModelId);
        Assert.Equal(host.Monitor.PidsOf("a").Single(), ready.Pid);
        Assert.True(ProcessTable.IsAlive(ready.Pid));
        Assert.Equal($"http://127.0.0.1:{ready.Port}", ready.UpstreamBaseUrl);
        Assert.Equal("test-host", ready.Host.HostId);
        Assert.Equal("test-host (test)", ready.Host.HostName);

        using (var http = UpstreamClient(ready.UpstreamBaseUrl))
        {
            using var response = await http.PostAsync("/v1/chat/completions", new StringContent(ChatBody, Encoding.UTF8, "application/json"), TestToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync(TestToken), StringComparison.Ordinal);
        }

        var held = Model(await host.Client.GetStateAsync(options: new CallOptions(CancellationToken: TestToken)), "a");
        Assert.Equal(1u, held.InFlightLeases);

        await lease.DisposeAsync();
        await host.WaitForStateAsync(s => Model(s, "a") is { InFlightLeases: 0, State: ModelState.Ready }, "the lease to be released");
        Assert.Equal(ready.Pid, host.Monitor.PidsOf("a").Single());
    }

    [Fact]
    public async Task ColdStartStreamsStartingAndWaitingForReadyBeforeReady()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", ["--load-time", "400ms"]));
        var progress = new RecordingProgress();

        await using var lease = await host.AcquireAsync("a", progress);

        var kinds = progress.Kinds;
        Assert.Equal(AcquireEvent.EventOneofCase.Starting, kinds[0]);
        Assert.Contains(AcquireEvent.EventOneofCase.WaitingForReady, kinds);
        Assert.DoesNotContain(AcquireEvent.EventOneofCase.Ready, kinds);
        var attempts = progress.Events.Where(e => e.WaitingForReady is not null).Select(e => e.WaitingForReady.Attempt).ToList();
        Assert.True(attempts[0] >= 1, "attempts are 1-based");
        Assert.Equal(attempts.Order(), attempts);
        Assert.True(attempts.Count >= 2, $"a 400 ms load needs several readiness probes; saw {string.Join(",", attempts)}");
    }

    [Fact]
    public async Task ASwapsStartingEventNamesTheModelItStops()
    {
        await using var host = await StartAsync(new TestConfig().Model("a").Model("b"));
        await (await host.AcquireAsync("a")).DisposeAsync();
        var progress = new RecordingProgress();

        await using var lease = await host.AcquireAsync("b", progress);

        Assert.Equal(["a"], progress.Events.First(e => e.Starting is not null).Starting.EvictedModelIds);
    }

    [Fact]
    public async Task UnknownModelIsNotFoundAndAnEmptyModelIdIsInvalid()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));

        var unknown = await Assert.ThrowsAsync<RpcException>(() => host.AcquireAsync("nope"));
        var empty = await Assert.ThrowsAsync<RpcException>(() => host.AcquireAsync(""));
        var load = await Assert.ThrowsAsync<RpcException>(() => host.Client.LoadAsync(new LoadRequest { ModelId = "nope" }, new CallOptions(CancellationToken: TestToken)));

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"nope\"", unknown.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal(StatusCode.NotFound, load.StatusCode);
        Assert.Empty(host.Monitor.Spawned);
    }

    [Fact]
    public async Task OverCapacityIsResourceExhausted()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", settings: "concurrencyLimit: 1"));
        await using var held = await host.AcquireAsync("a");

        var refused = await Assert.ThrowsAsync<RpcException>(() => host.AcquireAsync("a"));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("concurrency limit of 1", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(1, host.Monitor.SpawnCount("a"));
    }

    [Fact]
    public async Task LoadStartsTheModelWithoutHoldingALease()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", settings: "ttl: 60"));

        var reply = await host.Client.LoadAsync(new LoadRequest { ModelId = "a" }, new CallOptions(CancellationToken: TestToken));

        Assert.Equal("test-host", reply.Host.HostId);
        Assert.Equal(ModelState.Ready, reply.Model.State);
        Assert.Equal(0u, reply.Model.InFlightLeases);
        Assert.Equal(host.Monitor.PidsOf("a").Single(), reply.Model.Pid);
        Assert.NotNull(reply.Model.TtlRemaining);
    }

    [Fact]
    public async Task ADeadlinePassingBeforeReadyIsDeadlineExceededAndTheRequestLeavesAtOnce()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", ["--load-time", "10s"]));

        var late = await Assert.ThrowsAsync<RpcException>(() => host.Client.AcquireAsync(
            new AcquireRequest { ModelId = "a" }, null, new CallOptions(Deadline: DateTimeOffset.UtcNow.AddMilliseconds(500), CancellationToken: TestToken)));

        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);
        var state = await host.WaitForStateAsync(s => Model(s, "a").Queued == 0, "the late request to leave");
        Assert.Equal(ModelState.Starting, Model(state, "a").State);
    }
}

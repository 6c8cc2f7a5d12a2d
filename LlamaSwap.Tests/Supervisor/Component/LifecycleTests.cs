using System.Net;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Health.V1;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;
using ServingStatus = LlamaSwap.Rpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>Startup (health, preload), the two endpoints, and shutdown.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task AStartedSupervisorIsServingOnBothEndpointsAndGrpcOnlyAnswersOnTheGrpcOne()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));
        var health = new HealthClient(host.Channel);

        var overall = await health.CheckAsync("", new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
        var supervisor = await health.CheckAsync(SupervisorMethods.ServiceName, new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
        using var http = new HttpClient { BaseAddress = host.HttpAddress, Timeout = Bound };
        using var ready = await http.GetAsync("/health", TestToken);
        using var alive = await http.GetAsync("/alive", TestToken);
        using var wrongEndpoint = GrpcChannel.ForAddress(host.HttpAddress);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new SupervisorClient(wrongEndpoint).GetStateAsync(options: new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken)));

        Assert.Equal(ServingStatus.Serving, overall.Status);
        Assert.Equal(ServingStatus.Serving, supervisor.Status);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(TestToken));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
    }

    /// <summary>Model <c>a</c>, loading for <paramref name="loadTime"/>, preloaded at startup.</summary>
    private static TestConfig PreloadingA(string loadTime) => new TestConfig().Model("a", ["--load-time", loadTime]).With("""
        hooks:
          on_startup:
            preload: [a]
        """);

    [Fact]
    public async Task APreloadAndAFirstRequestArrivingAtOnceStartOneProcess()
    {
        var config = PreloadingA("300ms");
        await using var host = await StartAsync(config);

        await using var lease = await host.AcquireAsync("a");

        Assert.Equal(lease.Ready.Pid, host.Monitor.PidsOf("a").Single());
        var state = await host.WaitForStateAsync(s => Model(s, "a").InFlightLeases == 1, "the lease to show");
        Assert.Equal(ModelState.Ready, Model(state, "a").State);
        Assert.Equal(1, host.Monitor.SpawnCount("a"));
    }

    [Fact]
    public async Task APreloadIsAHealthOnlyStartThatSendsTheUpstreamNoInferenceRequest()
    {
        var config = PreloadingA("200ms");
        await using var host = await StartAsync(config);

        await host.WaitForStateAsync(s => Model(s, "a").State == ModelState.Ready, "the preload to finish");
        // A request of the test's own after readiness: whatever the preload sent would be logged before it.
        var port = config.Ports["a"];
        using (var http = UpstreamClient($"http://127.0.0.1:{port}"))
            (await http.GetAsync("/v1/models", TestToken)).Dispose();
        var log = await host.WaitForLogAsync("a", text => text.Contains("GET /v1/models", StringComparison.Ordinal));

        // The simulator logs every inference request ("POST /v1/chat/completions model=… status=200"), never a health poll.
        Assert.DoesNotContain("POST ", log, StringComparison.Ordinal);
        Assert.Equal(1, host.Monitor.SpawnCount("a"));
    }

    [Fact]
    public async Task ShutdownEndsHeldLeasesWithUnavailableAndStopsEveryUpstream()
    {
        var config = new TestConfig().Model("a").Model("b").With("""
            groups:
              both:
                swap: false
                members: [a, b]
            """);
        await using var host = await StartAsync(config);
        var onA = await host.AcquireAsync("a");
        await host.Client.LoadAsync(new LoadRequest { ModelId = "b" }, new CallOptions(CancellationToken: TestToken));
        var pids = host.Monitor.Spawned.Select(s => s.Pid).ToList();

        await host.StopAsync();

        await onA.Revoked.WhenCancelled().WaitAsync(Bound, TestToken);
        Assert.Equal(StatusCode.Unavailable, onA.EndStatus?.StatusCode);
        Assert.Equal(2, pids.Count);
        Assert.All(pids, pid => Assert.False(ProcessTable.IsAlive(pid), $"pid {pid} outlived the shutdown"));
        await onA.DisposeAsync();
    }
}

using System.Net.Http.Json;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>Upstreams that fail to start or die while leased.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task AFailedStartIsUnavailableNamingTheExitCodeAndIsRetriedAfterTheCooldown()
    {
        var cooldown = TimeSpan.FromSeconds(2);
        await using var host = await StartAsync(
            new TestConfig().Model("a", ["--fail", "exit:3"]),
            configure: o => o.Scheduler = o.Scheduler with { StartFailureCooldown = cooldown });

        var failed = await Assert.ThrowsAsync<RpcException>(() => host.AcquireAsync("a"));
        var failedAt = DateTimeOffset.UtcNow;
        var fast = await Assert.ThrowsAsync<RpcException>(() => host.AcquireAsync("a"));

        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Contains("\"a\"", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("code 3", failed.Detail, StringComparison.Ordinal);
        if (DateTimeOffset.UtcNow - failedAt < cooldown)
        {
            // Within the cooldown the same reason comes back at once, without a new process.
            Assert.Equal(failed.Detail, fast.Detail);
            Assert.Equal(1, host.Monitor.SpawnCount("a"));
        }

        // After the cooldown a request tries a fresh start (which fails the same way).
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (host.Monitor.SpawnCount("a") < 2)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "no retry after the cooldown");
            var again = await Assert.ThrowsAsync<RpcException>(() => host.AcquireAsync("a"));
            Assert.Equal(StatusCode.Unavailable, again.StatusCode);
            if (host.Monitor.SpawnCount("a") < 2)
                await Task.Delay(100, TestToken);
        }

        Assert.Empty(host.Monitor.AlivePids());
    }

    [Fact]
    public async Task AKilledUpstreamEndsItsLeaseWithUnavailableAndTheNextRequestRestartsIt()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));
        var lease = await host.AcquireAsync("a");

        ProcessSignals.Send(lease.Ready.Pid, ProcessSignals.SigKill);

        await lease.Revoked.WhenCancelled().WaitAsync(Bound, TestToken);
        Assert.Equal(StatusCode.Unavailable, lease.EndStatus?.StatusCode);
        Assert.Contains("exited", lease.EndStatus?.Detail, StringComparison.Ordinal);
        await lease.DisposeAsync();

        await using var again = await host.AcquireAsync("a");
        Assert.NotEqual(lease.Ready.Pid, again.Ready.Pid);
        Assert.Equal(2, host.Monitor.SpawnCount("a"));
    }

    [Fact]
    public async Task AnUpstreamCrashingMidResponseEndsTheLeaseAndTheNextRequestRestartsIt()
    {
        await using var host = await StartAsync(new TestConfig().Model("a", ["--fail", "crash-after:3", "--tokens-per-second", "0"]));
        var lease = await host.AcquireAsync("a");

        using (var http = UpstreamClient(lease.Ready.UpstreamBaseUrl))
        {
            var body = new { model = "a", max_tokens = 10, messages = new[] { new { role = "user", content = "hi" } } };
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var response = await http.PostAsJsonAsync("/v1/chat/completions", body, TestToken);
                await response.Content.ReadAsStringAsync(TestToken);
                response.EnsureSuccessStatusCode();
            });
        }

        await lease.Revoked.WhenCancelled().WaitAsync(Bound, TestToken);
        Assert.Equal(StatusCode.Unavailable, lease.EndStatus?.StatusCode);
        await lease.DisposeAsync();

        await using var again = await host.AcquireAsync("a");
        Assert.NotEqual(lease.Ready.Pid, again.Ready.Pid);
    }
}

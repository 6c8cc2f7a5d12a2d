using System.Collections.Immutable;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class ReloadTests
{
    private static CancellationToken Token => SchedulerHarness.TestToken;

    private static LlamaSwapConfig TwoModels(Func<ModelConfig, ModelConfig>? changeA = null, bool withB = true)
    {
        var a = Model("a") with { Env = ["CUDA_VISIBLE_DEVICES=0"] };
        ModelConfig[] models = withB ? [changeA?.Invoke(a) ?? a, Model("b")] : [changeA?.Invoke(a) ?? a];
        return Config(new RoutingConfig { Router = RouterKind.MaxLoaded, MaxLoaded = 2 }, models);
    }

    [Fact]
    public async Task AModelWhoseProcessSettingsDidNotChangeKeepsRunning()
    {
        await using var h = new SchedulerHarness(TwoModels());
        var lease = await h.Acquire("a").Bounded();

        // New but equal arrays, other TTL and limit: still the same process.
        await h.Scheduler.ApplyConfigAsync(
            TwoModels(a => a with { Env = ImmutableArray.Create("CUDA_VISIBLE_DEVICES=0"), Ttl = TimeSpan.FromMinutes(5), ConcurrencyLimit = 3 }),
            Token).Bounded();
        lease.Dispose();

        var state = await h.FlushAsync();
        Assert.Equal(ModelState.Ready, state["a"]!.State);
        Assert.NotNull(state["a"]!.TtlExpiresAt);
        Assert.False(h.Processes.Created[0].StopCalled.IsCompleted);
        await using var again = await h.Acquire("a").Bounded();
        Assert.Single(h.Processes.Created);
    }

    [Fact]
    public async Task AChangedModelDrainsStopsAndStartsWithItsNewSettings()
    {
        await using var h = new SchedulerHarness(TwoModels());
        var lease = await h.Acquire("a").Bounded();

        await h.Scheduler.ApplyConfigAsync(TwoModels(a => a with { Cmd = a.Cmd + " --ctx-size 8192" }), Token).Bounded();
        var next = h.Acquire("a");
        var state = await h.FlushAsync();

        Assert.Equal((ModelState.Ready, 1, 1), (state["a"]!.State, state["a"]!.Leases, state["a"]!.Waiting));
        lease.Dispose();
        await using var fresh = await next.Bounded();
        Assert.Equal(2, h.Processes.Created.Length);
        Assert.EndsWith("--ctx-size 8192", h.Processes.Created[1].Config.Cmd, StringComparison.Ordinal);
        Assert.Equal(["+a", "-a", "+a"], h.Processes.Timeline.Events);
    }

    [Fact]
    public async Task ARemovedModelAnswersItsWaitersAndStopsAfterItsLeases()
    {
        var config = Config(new RoutingConfig(), Model("a"), Model("b"));
        await using var h = new SchedulerHarness(config);
        var onA = await h.Acquire("a").Bounded();
        var queuedB = h.Acquire("b");
        await h.FlushAsync();

        await h.Scheduler.ApplyConfigAsync(Config(new RoutingConfig(), Model("b")), Token).Bounded();
        await h.Scheduler.ApplyConfigAsync(Config(new RoutingConfig(), Model("a") with { Cmd = "other" }), Token).Bounded();

        var error = await Assert.ThrowsAsync<ModelUnloadedException>(() => queuedB.Bounded());
        Assert.Contains("removed from the configuration", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnknownModelException>(() => h.Acquire("b").Bounded());
        var state = await h.FlushAsync();
        Assert.Equal(ModelState.Ready, state["a"]!.State);
        Assert.False(onA.Revoked.IsCancellationRequested);
        onA.Dispose();
        await h.WaitForStateAsync("a", ModelState.Stopped);
    }

    [Fact]
    public async Task EndpointModelsAreNotTheSchedulersEvenWhenAReloadMakesOneOfAModel()
    {
        var endpoint = Model("remote") with { Cmd = "", Proxy = "http://10.0.0.7:8080" };
        await using var h = new SchedulerHarness(Config(new RoutingConfig(), Model("a"), endpoint));

        Assert.Null((await h.FlushAsync())["remote"]);
        await Assert.ThrowsAsync<UnknownModelException>(() => h.Acquire("remote").Bounded());

        // A local model that becomes an endpoint leaves the scheduler once its lease ends.
        var lease = await h.Acquire("a").Bounded();
        await h.Scheduler.ApplyConfigAsync(Config(new RoutingConfig(), Model("a") with { Cmd = "" }, endpoint), Token).Bounded();
        lease.Dispose();
        await h.WaitForAsync(s => s["a"] is null, "a to leave the scheduler");
        Assert.DoesNotContain(h.Processes.Created, p => p.IsAlive);
        Assert.Equal(0, h.Processes.StartsOf("remote"));
    }

    [Fact]
    public async Task ARemovedIdleModelStopsAndDisappears()
    {
        await using var h = new SchedulerHarness(TwoModels());
        (await h.Acquire("b").Bounded()).Dispose();

        await h.Scheduler.ApplyConfigAsync(TwoModels(withB: false), Token).Bounded();

        await h.WaitForAsync(s => s["b"] is null, "b to disappear");
        Assert.False(h.Processes.Created[0].IsAlive);
    }

    [Fact]
    public async Task AnAddedModelCanBeAcquired()
    {
        await using var h = new SchedulerHarness(TwoModels(withB: false));

        await h.Scheduler.ApplyConfigAsync(TwoModels(), Token).Bounded();

        await using var lease = await h.Acquire("b").Bounded();
        Assert.Equal("b", lease.ModelId);
    }

    [Fact]
    public async Task ANewRoutingAppliesToTheNextSwap()
    {
        await using var h = new SchedulerHarness(TwoModels());
        (await h.Acquire("a").Bounded()).Dispose();
        (await h.Acquire("b").Bounded()).Dispose();
        Assert.Equal(2, h.Processes.Timeline.MaxAlive);

        var one = TwoModels() with { Routing = new RoutingConfig() };
        await h.Scheduler.ApplyConfigAsync(one with { Models = one.Models.Add("c", Model("c")) }, Token).Bounded();
        (await h.Acquire("c").Bounded()).Dispose();

        Assert.Equal(["c"], h.Processes.Timeline.AliveModels);
    }

    [Theory]
    [InlineData("Cmd")]
    [InlineData("CmdStop")]
    [InlineData("Proxy")]
    [InlineData("CheckEndpoint")]
    [InlineData("Env")]
    [InlineData("Port")]
    public void EachProcessSettingCountsAsAChange(string field)
    {
        var before = Model("a") with { Env = ["A=1"], Port = 5801 };
        var after = field switch
        {
            "Cmd" => before with { Cmd = "x" },
            "CmdStop" => before with { CmdStop = "docker stop a" },
            "Proxy" => before with { Proxy = "http://127.0.0.1:1" },
            "CheckEndpoint" => before with { CheckEndpoint = "none" },
            "Env" => before with { Env = ["A=2"] },
            "Port" => before with { Port = 5802 },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.False(ProcessSettingsComparer.Instance.Equals(before, after));
        Assert.True(ProcessSettingsComparer.Instance.Equals(before, before with { Env = ["A=1"], Ttl = TimeSpan.FromSeconds(1), Name = "n" }));
    }
}

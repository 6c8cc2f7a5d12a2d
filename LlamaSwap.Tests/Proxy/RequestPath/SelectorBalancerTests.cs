using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class SelectorBalancerTests
{
    private static readonly RoutingTable Table = new(TestConfigs.Load("""
        models:
          a: { cmd: "sim --port ${PORT}" }
          b: { cmd: "sim --port ${PORT}", aliases: [bee] }
          c: { cmd: "sim --port ${PORT}" }
        groups:
          g: { swap: false, members: [a, b, c] }
        peers:
          p: { proxy: "http://127.0.0.1:9", models: [remote] }
        selectors:
          s-pin: { strategy: pin, targets: [bee, a] }
          s-warm: { strategy: warm, targets: [a, b, c] }
          s-spill: { strategy: spillover, targets: [a, b, c], settings: { spillover: 2 } }
          s-remote: { strategy: spillover, targets: [remote, a] }
        """));

    private static Dictionary<string, ModelState> States(params (string Id, ModelState State)[] states) =>
        states.ToDictionary(s => s.Id, s => s.State);

    private static string Choose(SelectorBalancer balancer, string selector, Dictionary<string, ModelState>? states = null) =>
        balancer.Choose(Table.Config.Selectors[selector], Table, states ?? States())!.Target;

    [Fact]
    public void PinAlwaysTakesTheFirstTarget() =>
        Assert.Equal("bee", Choose(new SelectorBalancer(), "s-pin", States(("a", ModelState.Ready))));

    [Theory]
    [InlineData(ModelState.Stopped, ModelState.Ready, ModelState.Ready, "b")]
    [InlineData(ModelState.Stopped, ModelState.Starting, ModelState.Ready, "c")]
    [InlineData(ModelState.Stopped, ModelState.Starting, ModelState.Stopped, "b")]
    [InlineData(ModelState.Stopped, ModelState.Stopped, ModelState.Stopped, "a")]
    [InlineData(ModelState.Ready, ModelState.Ready, ModelState.Ready, "a")]
    public void WarmPrefersReadyThenStartingThenTheFirst(ModelState a, ModelState b, ModelState c, string expected) =>
        Assert.Equal(expected, Choose(new SelectorBalancer(), "s-warm", States(("a", a), ("b", b), ("c", c))));

    [Fact]
    public void SpilloverFillsEachTargetToItsLimitBeforeTheNextColdOne()
    {
        var balancer = new SelectorBalancer();
        var selector = Table.Config.Selectors["s-spill"];

        var first = balancer.Choose(selector, Table, States())!;
        var second = balancer.Choose(selector, Table, States())!;
        var third = balancer.Choose(selector, Table, States())!;

        Assert.Equal(["a", "a", "b"], new[] { first.Target, second.Target, third.Target });

        // llama-swap's example: one a finishes while a, b and c are all ready; the idle c gets the next one.
        first.Lease!.Dispose();
        var ready = States(("a", ModelState.Ready), ("b", ModelState.Ready), ("c", ModelState.Ready));
        Assert.Equal("c", balancer.Choose(selector, Table, ready)!.Target);
        Assert.Equal(1, balancer.InFlight("s-spill", "a"));
    }

    [Fact]
    public void SpilloverSkipsStoppingTargetsAndFallsBackToTheLeastBusy()
    {
        var balancer = new SelectorBalancer();
        var selector = Table.Config.Selectors["s-spill"];
        var states = States(("a", ModelState.Stopping), ("b", ModelState.Ready), ("c", ModelState.Ready));

        var picks = Enumerable.Range(0, 6).Select(_ => balancer.Choose(selector, Table, states)!.Target).ToList();

        Assert.DoesNotContain("a", picks);
        Assert.Equal(3, picks.Count(p => p == "b"));
        Assert.Equal(3, picks.Count(p => p == "c"));
    }

    [Fact]
    public void ReleasingALeaseTwiceCountsOnce()
    {
        var balancer = new SelectorBalancer();
        var choice = balancer.Choose(Table.Config.Selectors["s-remote"], Table, States())!;
        _ = balancer.Choose(Table.Config.Selectors["s-remote"], Table, States())!;

        choice.Lease!.Dispose();
        choice.Lease.Dispose();

        Assert.Equal("remote", choice.Target);
        Assert.Equal(1, balancer.InFlight("s-remote", "remote") + balancer.InFlight("s-remote", "a"));
    }
}

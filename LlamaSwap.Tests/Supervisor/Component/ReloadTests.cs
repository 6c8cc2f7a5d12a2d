using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>models.yaml edited while the Supervisor runs.</summary>
public sealed class ReloadTests
{
    private const string BothTogether = """
        groups:
          both:
            swap: false
            members: [a, b]
        """;

    [Fact]
    public async Task AReloadKeepsAnUnchangedModelRunningAndRestartsAChangedOne()
    {
        var config = new TestConfig().With(BothTogether).Model("a").Model("b");
        await using var host = await StartAsync(config);
        var call = new CallOptions(CancellationToken: TestToken);
        var a = (await host.Client.LoadAsync(new LoadRequest { ModelId = "a" }, call)).Model.Pid;
        var b = (await host.Client.LoadAsync(new LoadRequest { ModelId = "b" }, call)).Model.Pid;

        var changed = new TestConfig().With(BothTogether)
            .Model("a", port: config.Ports["a"])
            .Model("b", ["--max-tokens", "4"], port: config.Ports["b"]);
        host.WriteConfig(changed);

        var reloaded = await host.WaitForStateAsync(s => s.ConfigGeneration == 2 && Model(s, "b").State == ModelState.Stopped, "generation 2 with b stopped");
        Assert.Equal(ModelState.Ready, Model(reloaded, "a").State);
        Assert.Equal(a, Model(reloaded, "a").Pid);
        Assert.False(ProcessTable.IsAlive(b));

        await using var onB = await host.AcquireAsync("b");
        Assert.NotEqual(b, onB.Ready.Pid);
        Assert.True(ProcessTable.IsAlive(a));
        Assert.Equal(1, host.Monitor.SpawnCount("a"));
        Assert.Equal(2, host.Monitor.SpawnCount("b"));
    }

    [Fact]
    public async Task AnInvalidReloadIsLoggedAndTheRunningConfigurationStays()
    {
        var config = new TestConfig().Model("a");
        await using var host = await StartAsync(config);
        var pid = (await host.Client.LoadAsync(new LoadRequest { ModelId = "a" }, new CallOptions(CancellationToken: TestToken))).Model.Pid;

        File.WriteAllText(host.ConfigPath, config.Build() + "    ttl: -5\n");
        var rejection = await host.WaitForLogAsync("proxy", t => t.Contains("configuration reload rejected", StringComparison.Ordinal));

        Assert.Contains("[ERROR] configuration error: ", rejection, StringComparison.Ordinal);
        Assert.Contains("models.a.ttl", rejection, StringComparison.Ordinal);
        var state = await host.Client.GetStateAsync(options: new CallOptions(CancellationToken: TestToken));
        Assert.Equal(1ul, state.ConfigGeneration);
        Assert.Equal(pid, Model(state, "a").Pid);

        host.WriteConfig(new TestConfig().Model("a", port: config.Ports["a"]).Model("c"));
        var fixedState = await host.WaitForStateAsync(s => s.ConfigGeneration == 2, "the corrected configuration");
        Assert.Equal(["a", "c"], fixedState.Models.Select(m => m.ModelId));
        Assert.Equal(pid, Model(fixedState, "a").Pid);
    }
}

using System.Collections.Immutable;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Grpc;
using LlamaSwap.Supervisor.Scheduling;
using WireState = LlamaSwap.Rpc.Supervisor.V1.ModelState;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class StateMessagesTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly LlamaSwapConfig Config = new()
    {
        Models = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new[]
        {
            KeyValuePair.Create("a", new ModelConfig { Id = "a", Proxy = "http://127.0.0.1:5801", Port = 5801 }),
            KeyValuePair.Create("b", new ModelConfig { Id = "b", Proxy = "http://10.0.0.2:9000" }),
        }),
    };

    [Fact]
    public void AnIdleReadyModelShowsItsTtlCountdownAtTheTimeOfSending()
    {
        var model = new ModelSnapshot("a", ModelState.Ready, 42, 5801, 0, 2, Now.AddSeconds(30), TimeSpan.FromSeconds(99), Now.AddSeconds(-5), null);

        var status = StateMessages.Model(model, Config, Now);

        Assert.Equal(WireState.Ready, status.State);
        Assert.Equal(42, status.Pid);
        Assert.Equal(5801, status.Port);
        Assert.Equal("http://127.0.0.1:5801", status.UpstreamBaseUrl);
        Assert.Equal(2u, status.Queued);
        Assert.Equal(TimeSpan.FromSeconds(30), status.TtlRemaining.ToTimeSpan());
        Assert.Equal(Now.AddSeconds(-5), status.LastUsed.ToDateTimeOffset());
    }

    [Fact]
    public void ALeasedModelHasNoTtlAndAStoppedOneNoUrl()
    {
        var leased = StateMessages.Model(new ModelSnapshot("a", ModelState.Ready, 42, 5801, 1, 0, Now.AddSeconds(30), null, null, null), Config, Now);
        var stopped = StateMessages.Model(new ModelSnapshot("b", ModelState.Stopped, null, null, 0, 0, null, null, null, null), Config, Now);

        Assert.Null(leased.TtlRemaining);
        Assert.Null(leased.LastUsed);
        Assert.Equal(1u, leased.InFlightLeases);
        Assert.Equal(WireState.Stopped, stopped.State);
        Assert.Equal("", stopped.UpstreamBaseUrl);
        Assert.Equal(0, stopped.Pid);
        Assert.Equal(9000, stopped.Port);
    }

    [Fact]
    public void ASnapshotIsSortedAndCarriesHostAndGeneration()
    {
        var snapshot = new SchedulerSnapshot(
            7,
            Now,
            [new ModelSnapshot("b", ModelState.Stopped, null, null, 0, 0, null, null, null, null), new ModelSnapshot("a", ModelState.Starting, 1, 5801, 0, 1, null, null, null, null)],
            1,
            false);

        var message = StateMessages.Snapshot(snapshot, Config, 3, new LlamaSwap.Rpc.Supervisor.V1.HostIdentity { HostId = "h" }, Now);

        Assert.Equal(["a", "b"], message.Models.Select(m => m.ModelId));
        Assert.Equal(3ul, message.ConfigGeneration);
        Assert.Equal("h", message.Host.HostId);
        Assert.Equal(Now, message.TakenAt.ToDateTimeOffset());
        Assert.Equal(WireState.Starting, message.Models[0].State);
    }
}

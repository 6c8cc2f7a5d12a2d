using System.Collections.Immutable;
using LlamaSwap.Supervisor.Grpc;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class WatchStateCoalescingTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ModelSnapshot Idle = new("a", ModelState.Ready, 41, 5801, 0, 0, Now.AddMinutes(5), TimeSpan.FromMinutes(5), Now, null);

    [Fact]
    public void LeasesWaitingQueueTtlAndLastUseAreCountsOnly()
    {
        var busy = Idle with { Leases = 3, Waiting = 2, TtlExpiresAt = null, TtlRemaining = null, LastUsed = Now.AddSeconds(1) };

        Assert.True(SupervisorGrpcService.OnlyCountsDiffer(Snapshot(1, 0, Idle), Snapshot(2, 4, busy)));
    }

    [Fact]
    public void StatePidPortErrorModelsAndShutdownAreChangesOfState()
    {
        var before = Snapshot(1, 0, Idle);

        Assert.False(SupervisorGrpcService.OnlyCountsDiffer(before, Snapshot(2, 0, Idle with { State = ModelState.Stopping })));
        Assert.False(SupervisorGrpcService.OnlyCountsDiffer(before, Snapshot(2, 0, Idle with { Pid = 42 })));
        Assert.False(SupervisorGrpcService.OnlyCountsDiffer(before, Snapshot(2, 0, Idle with { Port = 5802 })));
        Assert.False(SupervisorGrpcService.OnlyCountsDiffer(before, Snapshot(2, 0, Idle with { LastError = "exit code 1" })));
        Assert.False(SupervisorGrpcService.OnlyCountsDiffer(before, Snapshot(2, 0, Idle with { ModelId = "b" })));
        Assert.False(SupervisorGrpcService.OnlyCountsDiffer(before, Snapshot(2, 0, Idle, Idle with { ModelId = "b" })));
        Assert.False(SupervisorGrpcService.OnlyCountsDiffer(before, Snapshot(2, 0, Idle) with { ShuttingDown = true }));
    }

    private static SchedulerSnapshot Snapshot(long version, int queue, params ModelSnapshot[] models) =>
        new(version, Now, [.. models], queue, false);
}

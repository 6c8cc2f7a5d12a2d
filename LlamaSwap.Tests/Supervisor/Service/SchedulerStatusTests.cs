using LlamaSwap.Configuration;
using LlamaSwap.Rpc;
using LlamaSwap.Supervisor.Grpc;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class SchedulerStatusTests
{
    [Theory]
    [InlineData("unknown", StatusCode.NotFound)]
    [InlineData("over capacity", StatusCode.ResourceExhausted)]
    [InlineData("start failed", StatusCode.Unavailable)]
    [InlineData("unloaded", StatusCode.Aborted)]
    [InlineData("shutdown", StatusCode.Unavailable)]
    public void EachRefusalHasTheContractsStatusAndKeepsTheMessage(string kind, StatusCode expected)
    {
        SchedulerException refusal = kind switch
        {
            "unknown" => new UnknownModelException("m"),
            "over capacity" => new ModelOverCapacityException("m", 3),
            "start failed" => new ModelStartFailedException("m", "exited with code 3"),
            "unloaded" => new ModelUnloadedException("m", "was unloaded"),
            _ => new SchedulerShutdownException(),
        };

        var status = SchedulerStatus.ToRpcException(refusal, activity: null);

        Assert.Equal(expected, status.StatusCode);
        Assert.Equal(refusal.Message, status.Detail);
    }

    [Theory]
    [InlineData(nameof(LeaseEndReason.Unloaded), StatusCode.Aborted, "unloaded")]
    [InlineData(nameof(LeaseEndReason.ProcessExited), StatusCode.Unavailable, "exited")]
    [InlineData(nameof(LeaseEndReason.Shutdown), StatusCode.Unavailable, "shutting down")]
    [InlineData(nameof(LeaseEndReason.Stopped), StatusCode.Aborted, "stopped")]
    public void ALeaseTheSupervisorEndedSaysWhy(string why, StatusCode expected, string words)
    {
        var reason = Enum.Parse<LeaseEndReason>(why);
        var lease = new Lease(new ModelSlot(new ModelConfig { Id = "m", Proxy = "http://127.0.0.1:5800" }), _ => { });
        lease.Revoke(reason);

        var status = SchedulerStatus.LeaseEnded(lease);

        Assert.Equal(reason, lease.EndReason);
        Assert.Equal(expected, status.StatusCode);
        Assert.Contains(words, status.Detail, StringComparison.Ordinal);
    }
}

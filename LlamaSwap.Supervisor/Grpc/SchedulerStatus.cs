using System.Diagnostics;
using LlamaSwap.Rpc;
using LlamaSwap.Supervisor.Scheduling;
using LlamaSwap.Supervisor.Telemetry;

namespace LlamaSwap.Supervisor.Grpc;

/// <summary>The contract's statuses for the scheduler's refusals and for leases the Supervisor ended.</summary>
internal static class SchedulerStatus
{
    public static StatusCode CodeFor(SchedulerException exception) => exception switch
    {
        UnknownModelException => StatusCode.NotFound,
        ModelOverCapacityException => StatusCode.ResourceExhausted,
        ModelStartFailedException => StatusCode.Unavailable,
        ModelUnloadedException => StatusCode.Aborted,
        SchedulerShutdownException => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    /// <summary>The status for a refusal; the detail is the scheduler's message, which names the model.</summary>
    public static RpcException ToRpcException(SchedulerException exception, Activity? activity)
    {
        var code = CodeFor(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.SetTag(SupervisorTelemetry.Tags.RpcStatusCode, code.ToString());
        return new RpcException(code, exception.Message);
    }

    /// <summary>The status that ends an Acquire call whose lease the scheduler revoked.</summary>
    public static RpcException LeaseEnded(Lease lease) => lease.EndReason switch
    {
        LeaseEndReason.Unloaded => new RpcException(StatusCode.Aborted, $"model \"{lease.ModelId}\" was unloaded while this lease was held"),
        LeaseEndReason.Shutdown => new RpcException(StatusCode.Unavailable, "the supervisor is shutting down"),
        LeaseEndReason.ProcessExited => new RpcException(
            StatusCode.Unavailable, $"the upstream process of model \"{lease.ModelId}\" (pid {lease.Pid}) exited while this lease was held"),
        _ => new RpcException(StatusCode.Aborted, $"model \"{lease.ModelId}\" was stopped while this lease was held"),
    };
}

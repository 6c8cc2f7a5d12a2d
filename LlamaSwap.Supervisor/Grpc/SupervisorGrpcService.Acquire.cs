using System.Diagnostics;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Scheduling;
using LlamaSwap.Supervisor.Telemetry;

namespace LlamaSwap.Supervisor.Grpc;

internal sealed partial class SupervisorGrpcService
{
    /// <summary>
    /// (1) Ask the scheduler for a lease, streaming its progress as it comes. (2) Send Ready. (3) Hold the lease
    /// until the call ends: the client closed it (release), or the Supervisor ended the lease (a status). The
    /// lease is released exactly once on every path (<see cref="Lease.Dispose"/> is idempotent and the
    /// <c>using</c> covers every exit after the grant).
    /// </summary>
    public override async Task Acquire(AcquireRequest request, IServerStreamWriter<AcquireEvent> responseStream, ServerCallContext context)
    {
        var modelId = RequireModelId(request.ModelId);
        using var activity = GrpcServerSpan.Start(context, SupervisorMethods.Acquire.Path, modelId);
        activity?.SetTag(SupervisorTelemetry.Tags.RequestId, request.RequestId);
        var outcome = StatusCode.Cancelled;
        try
        {
            // :: Step 1: wait for the lease; progress, if any, goes out in order on its own task.
            var progress = new AcquireProgressPump(responseStream, context.CancellationToken);
            Lease lease;
            try
            {
                lease = await scheduler.AcquireAsync(modelId, progress, context.CancellationToken);
            }
            catch (SchedulerException ex)
            {
                await progress.DrainAsync();
                var status = SchedulerStatus.ToRpcException(ex, activity);
                outcome = status.StatusCode;
                throw status;
            }
            catch
            {
                await progress.StopAsync();
                if (context.Deadline is { } deadline && deadline <= time.GetUtcNow())
                    outcome = StatusCode.DeadlineExceeded;
                throw;
            }

            using (lease)
            {
                // :: Step 2: every progress event is on the wire before Ready.
                await progress.CompleteAsync();
                var ready = new AcquireEvent.Types.Ready
                {
                    UpstreamBaseUrl = lease.UpstreamBaseUrl,
                    ModelId = lease.ModelId,
                    Pid = lease.Pid ?? 0,
                    Port = StateMessages.PortOf(lease.UpstreamBaseUrl),
                    Host = identity.ToMessage(),
                };
                await responseStream.WriteAsync(new AcquireEvent { Ready = ready }, context);
                activity?.AddEvent(new ActivityEvent("ready"));
                Log.LeaseGranted(logger, lease.ModelId, ready.Pid, request.RequestId);
                outcome = StatusCode.OK;

                // Counted when granted: a lease may be held for minutes, and nothing after Ready changes its status.
                CountAcquire(modelId, outcome);

                // :: Step 3: hold it.
                await HoldAsync(lease, context);
                Log.LeaseReleased(logger, lease.ModelId, request.RequestId);
            }
        }
        catch (RpcException ex) when (outcome == StatusCode.OK)
        {
            // Granted, then ended by the Supervisor.
            Log.LeaseEnded(logger, modelId, ex.StatusCode, ex.Detail);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Detail);
            throw;
        }
        finally
        {
            if (outcome != StatusCode.OK)
                CountAcquire(modelId, outcome);
        }
    }

    private static void CountAcquire(string modelId, StatusCode outcome) =>
        SupervisorTelemetry.AcquireCalls.Add(
            1,
            new KeyValuePair<string, object?>(SupervisorTelemetry.Tags.Model, modelId),
            new KeyValuePair<string, object?>(SupervisorTelemetry.Tags.RpcStatusCode, outcome.ToString()));

    /// <summary>
    /// Returns when the client ended the call (the release: its stream was reset, nobody is left to send a status
    /// to). Throws when the call ended for another reason (deadline, server shutdown: the transport turns the
    /// cancellation into that status) or when the scheduler revoked the lease first (the lease's status).
    /// Returning rather than throwing on a release matters: it happens once per proxied request.
    /// </summary>
    private static async Task HoldAsync(Lease lease, ServerCallContext context)
    {
        var callEnded = context.CancellationToken;
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (callEnded.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), ended))
        await using (lease.Revoked.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), ended))
        {
            await ended.Task;
        }

        if (callEnded.IsCancellationRequested)
        {
            if (context.HttpContext?.RequestAborted.IsCancellationRequested == true)
                return;
            callEnded.ThrowIfCancellationRequested();
        }

        throw SchedulerStatus.LeaseEnded(lease);
    }
}

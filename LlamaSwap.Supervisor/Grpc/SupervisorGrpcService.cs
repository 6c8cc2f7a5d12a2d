using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Hosting;
using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Scheduling;
using Microsoft.Extensions.Logging;
using ModelState = LlamaSwap.Supervisor.Scheduling.ModelState;

namespace LlamaSwap.Supervisor.Grpc;

/// <summary>
/// The Supervisor contract (<c>supervisor.proto</c>) on top of <see cref="ModelScheduler"/>: every call is a
/// scheduler operation or a read of its snapshots and of the log sources. Failures leave as the statuses the
/// contract names (<see cref="SchedulerStatus"/>). See README.md in this folder's project.
/// </summary>
/// <remarks>
/// Files: this one holds Load and Unload; <c>.Acquire</c> the lease call; <c>.State</c> GetState and
/// WatchState; <c>.Logs</c> StreamLogs.
/// </remarks>
internal sealed partial class SupervisorGrpcService(
    ModelScheduler scheduler,
    SupervisorConfiguration configuration,
    SupervisorIdentity identity,
    UpstreamLogHub upstreamLogs,
    SupervisorLog supervisorLog,
    TimeProvider time,
    ILogger<SupervisorGrpcService> logger) : SupervisorServiceBase
{
    public override async Task<LoadReply> Load(LoadRequest request, ServerCallContext context)
    {
        var modelId = RequireModelId(request.ModelId);
        using var activity = GrpcServerSpan.Start(context, SupervisorMethods.Load.Path, modelId);
        try
        {
            await scheduler.LoadAsync(modelId, null, context.CancellationToken);
        }
        catch (SchedulerException ex)
        {
            throw SchedulerStatus.ToRpcException(ex, activity);
        }

        // The load's lease was released before this flush was posted, so the state shows it gone.
        var snapshot = await scheduler.FlushAsync(context.CancellationToken);
        var resolved = configuration.Current.ResolveModelId(modelId) ?? modelId;
        var model = snapshot[resolved] ?? throw new RpcException(StatusCode.NotFound, $"model \"{modelId}\" was removed from the configuration");
        return new LoadReply { Host = identity.ToMessage(), Model = StateMessages.Model(model, configuration.Current, time.GetUtcNow()) };
    }

    public override async Task<UnloadReply> Unload(UnloadRequest request, ServerCallContext context)
    {
        using var activity = GrpcServerSpan.Start(context, SupervisorMethods.Unload.Path, null);
        var names = request.ModelIds.Count == 0 ? null : request.ModelIds.ToList();
        var config = configuration.Current;
        var before = scheduler.GetSnapshot();
        var targets = names?.Select(n => config.ResolveModelId(n) ?? n).ToHashSet(StringComparer.Ordinal);
        try
        {
            await scheduler.UnloadAsync(names, request.Hard, context.CancellationToken);
        }
        catch (SchedulerException ex)
        {
            throw SchedulerStatus.ToRpcException(ex, activity);
        }

        var reply = new UnloadReply { Host = identity.ToMessage() };
        reply.UnloadedModelIds.AddRange(before.Models
            .Where(m => m.State != ModelState.Stopped && (targets is null || targets.Contains(m.ModelId)))
            .Select(m => m.ModelId)
            .Distinct(StringComparer.Ordinal));
        Log.Unloaded(logger, string.Join(",", reply.UnloadedModelIds), request.Hard);
        return reply;
    }

    private static string RequireModelId(string modelId) =>
        string.IsNullOrWhiteSpace(modelId)
            ? throw new RpcException(StatusCode.InvalidArgument, "model_id is empty: name a configured model")
            : modelId;
}

using LlamaSwap.Rpc.Server;

namespace LlamaSwap.Rpc.Supervisor.V1;

/// <summary>
/// The server side of the Supervisor contract: derive, implement every method, register
/// the derived type as a singleton and map it with <c>app.MapGrpcService&lt;T&gt;()</c>.
/// Report failures by throwing <see cref="RpcException"/> with the codes the contract
/// names; <see cref="ServerCallContext.CancellationToken"/> fires when the caller goes away.
/// </summary>
public abstract class SupervisorServiceBase : IGrpcService
{
    /// <summary>
    /// Streams progress, then one Ready, then waits on <see cref="ServerCallContext.CancellationToken"/>
    /// while holding the lease; returning or throwing ends the lease.
    /// </summary>
    public abstract Task Acquire(AcquireRequest request, IServerStreamWriter<AcquireEvent> responseStream, ServerCallContext context);

    public abstract Task<LoadReply> Load(LoadRequest request, ServerCallContext context);

    public abstract Task<UnloadReply> Unload(UnloadRequest request, ServerCallContext context);

    public abstract Task<StateSnapshot> GetState(GetStateRequest request, ServerCallContext context);

    /// <summary>Writes the current snapshot, then one per change, until the token fires.</summary>
    public abstract Task WatchState(WatchStateRequest request, IServerStreamWriter<StateSnapshot> responseStream, ServerCallContext context);

    public abstract Task StreamLogs(StreamLogsRequest request, IServerStreamWriter<LogChunk> responseStream, ServerCallContext context);

    void IGrpcService.Bind(GrpcServiceBinder binder) => binder
        .ServerStreaming(SupervisorMethods.Acquire, Acquire)
        .Unary(SupervisorMethods.Load, Load)
        .Unary(SupervisorMethods.Unload, Unload)
        .Unary(SupervisorMethods.GetState, GetState)
        .ServerStreaming(SupervisorMethods.WatchState, WatchState)
        .ServerStreaming(SupervisorMethods.StreamLogs, StreamLogs);
}

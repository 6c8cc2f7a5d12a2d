using LlamaSwap.Rpc.Client;

namespace LlamaSwap.Rpc.Supervisor.V1;

/// <summary>Typed client of <c>llamaswap.supervisor.v1.Supervisor</c>. Thread-safe; one per Supervisor host.</summary>
public sealed class SupervisorClient(GrpcChannel channel)
{
    /// <summary>
    /// Acquires a lease and returns it once the upstream is Ready, reporting each earlier
    /// event to <paramref name="progress"/> (for a loading message). Dispose the lease to
    /// release it.
    /// </summary>
    /// <exception cref="RpcException">
    /// The Supervisor refused or failed (codes as in the contract, e.g. RESOURCE_EXHAUSTED when
    /// over capacity), the deadline passed before Ready, or the call was cancelled.
    /// </exception>
    public async Task<SupervisorLease> AcquireAsync(AcquireRequest request, IProgress<AcquireEvent>? progress = null, CallOptions options = default)
    {
        var call = Acquire(request, options);
        try
        {
            while (await call.MoveNextAsync())
            {
                var acquireEvent = call.Current;
                if (acquireEvent.EventCase == AcquireEvent.EventOneofCase.Ready)
                {
                    return new SupervisorLease(call, acquireEvent.Ready);
                }

                progress?.Report(acquireEvent);
            }

            throw new RpcException(StatusCode.Internal, $"The Supervisor ended Acquire for model '{request.ModelId}' without sending Ready.");
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <summary>The raw Acquire stream, for callers that want every event; disposing it releases the lease.</summary>
    public ServerStreamingCall<AcquireEvent> Acquire(AcquireRequest request, CallOptions options = default) =>
        channel.ServerStreaming(SupervisorMethods.Acquire, request, options);

    public Task<LoadReply> LoadAsync(LoadRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SupervisorMethods.Load, request, options);

    public Task<UnloadReply> UnloadAsync(UnloadRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SupervisorMethods.Unload, request, options);

    public Task<StateSnapshot> GetStateAsync(GetStateRequest? request = null, CallOptions options = default) =>
        channel.UnaryAsync(SupervisorMethods.GetState, request ?? new GetStateRequest(), options);

    /// <summary>The current snapshot, then one per change, until disposed.</summary>
    public ServerStreamingCall<StateSnapshot> WatchState(WatchStateRequest? request = null, CallOptions options = default) =>
        channel.ServerStreaming(SupervisorMethods.WatchState, request ?? new WatchStateRequest(), options);

    /// <summary>A log source's history (unless no_history), then live chunks, until disposed.</summary>
    public ServerStreamingCall<LogChunk> StreamLogs(StreamLogsRequest request, CallOptions options = default) =>
        channel.ServerStreaming(SupervisorMethods.StreamLogs, request, options);
}

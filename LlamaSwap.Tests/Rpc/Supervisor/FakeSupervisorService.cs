using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Tests.Rpc.Supervisor;

/// <summary>A scripted Supervisor: each model id selects a behaviour of the contract.</summary>
internal sealed class FakeSupervisorService : SupervisorServiceBase
{
    public static readonly HostIdentity Host = new() { HostId = "gpu-1", HostName = "GPU box 1" };

    public TaskCompletionSource<string> LeaseReleased { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource WatchEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static StateSnapshot Snapshot(ulong generation) => new()
    {
        Host = Host,
        ConfigGeneration = generation,
        TakenAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)),
        Models =
        {
            new ModelStatus
            {
                ModelId = "qwen",
                State = ModelState.Ready,
                Pid = 4242,
                Port = 5801,
                UpstreamBaseUrl = "http://127.0.0.1:5801",
                InFlightLeases = 2,
                Queued = 1,
                TtlRemaining = Duration.FromTimeSpan(TimeSpan.FromSeconds(299.5)),
                LastUsed = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 2, 3, 4, 0, TimeSpan.Zero)),
            },
            new ModelStatus { ModelId = "whisper", State = ModelState.Stopped },
        },
    };

    public override async Task Acquire(AcquireRequest request, IServerStreamWriter<AcquireEvent> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        switch (request.ModelId)
        {
            case "full":
                throw new RpcException(StatusCode.ResourceExhausted, "model 'full' is over capacity: 4 requests already waiting");
            case "missing":
                throw new RpcException(StatusCode.NotFound, "model 'missing' is not configured on gpu-1");
        }

        await responseStream.WriteAsync(new AcquireEvent { Queued = new AcquireEvent.Types.Queued { Position = 1 } }, token);
        await responseStream.WriteAsync(new AcquireEvent { Starting = new AcquireEvent.Types.Starting { EvictedModelIds = { "llama" } } }, token);
        await responseStream.WriteAsync(new AcquireEvent { WaitingForReady = new AcquireEvent.Types.WaitingForReady { Attempt = 1 } }, token);
        await responseStream.WriteAsync(new AcquireEvent { Ready = new AcquireEvent.Types.Ready { ModelId = request.ModelId, UpstreamBaseUrl = "http://127.0.0.1:5801", Pid = 4242, Port = 5801, Host = Host } }, token);
        if (request.ModelId == "revoke")
        {
            throw new RpcException(StatusCode.Aborted, "model 'revoke' was unloaded");
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        }
        finally
        {
            LeaseReleased.TrySetResult(request.ModelId);
        }
    }

    public override Task<LoadReply> Load(LoadRequest request, ServerCallContext context) =>
        Task.FromResult(new LoadReply { Host = Host, Model = new ModelStatus { ModelId = request.ModelId, State = ModelState.Ready } });

    public override Task<UnloadReply> Unload(UnloadRequest request, ServerCallContext context) =>
        Task.FromResult(new UnloadReply
        {
            Host = Host,
            UnloadedModelIds = { request.ModelIds.Count == 0 ? ["qwen", "whisper"] : request.ModelIds.Select(id => request.Hard ? id + "!" : id) },
        });

    public override Task<StateSnapshot> GetState(GetStateRequest request, ServerCallContext context) => Task.FromResult(Snapshot(7));

    public override async Task WatchState(WatchStateRequest request, IServerStreamWriter<StateSnapshot> responseStream, ServerCallContext context)
    {
        try
        {
            await responseStream.WriteAsync(Snapshot(1), context.CancellationToken);
            await responseStream.WriteAsync(Snapshot(2), context.CancellationToken);
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
        }
        finally
        {
            WatchEnded.TrySetResult();
        }
    }

    public override async Task StreamLogs(StreamLogsRequest request, IServerStreamWriter<LogChunk> responseStream, ServerCallContext context)
    {
        if (request.Source is not ("upstream" or "proxy" or "qwen"))
        {
            throw new RpcException(StatusCode.InvalidArgument, $"invalid log source '{request.Source}'. Use 'proxy', 'upstream' or a model's ID");
        }

        if (!request.NoHistory)
        {
            await responseStream.WriteAsync(new LogChunk { Source = "qwen", Data = ByteString.CopyFrom(Encoding.UTF8.GetBytes("history\n")) }, context.CancellationToken);
        }

        await responseStream.WriteAsync(new LogChunk { Source = "qwen", Data = ByteString.CopyFrom(0xE2, 0x82), DroppedBytes = 17 }, context.CancellationToken);
    }
}

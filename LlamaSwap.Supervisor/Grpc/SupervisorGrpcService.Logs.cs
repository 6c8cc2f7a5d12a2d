using Google.Protobuf;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Logs;
using LogChunk = LlamaSwap.Rpc.Supervisor.V1.LogChunk;
using LogChunkKind = LlamaSwap.Supervisor.Logs.LogChunkKind;

namespace LlamaSwap.Supervisor.Grpc;

internal sealed partial class SupervisorGrpcService
{
    /// <summary>
    /// <c>proxy</c> is the Supervisor's own log (<see cref="SupervisorLog"/>), <c>upstream</c> every upstream's
    /// output combined, a configured model id that model's output. A reader that falls behind loses live chunks
    /// (never the process's output itself): the next chunk is the drop marker with <c>dropped_bytes</c> set.
    /// On <c>upstream</c>, each live chunk names the model that wrote it; its history is one interleaved blob.
    /// </summary>
    public override async Task StreamLogs(StreamLogsRequest request, IServerStreamWriter<LogChunk> responseStream, ServerCallContext context)
    {
        var source = request.Source;
        using var subscription = Subscribe(source, includeHistory: !request.NoHistory);
        await foreach (var chunk in subscription.WithCancellation(context.CancellationToken))
        {
            var message = new LogChunk
            {
                Data = ByteString.CopyFrom(chunk.Data.Span),
                Source = chunk.Origin ?? source,
                DroppedBytes = chunk.Kind == LogChunkKind.Dropped ? (ulong)chunk.DroppedBytes : 0,
            };
            await responseStream.WriteAsync(message, context);
        }
    }

    private LogSubscription Subscribe(string source, bool includeHistory)
    {
        if (source == SupervisorLog.SourceName)
            return supervisorLog.Subscribe(includeHistory);
        if (source == UpstreamLogHub.CombinedSource
            || configuration.Current.Models.ContainsKey(source)
            || upstreamLogs.Sources.Contains(source))
            return upstreamLogs.Subscribe(source, includeHistory);

        var models = string.Join(", ", configuration.Current.Models.Keys.Select(k => $"\"{k}\""));
        throw new RpcException(
            StatusCode.InvalidArgument,
            $"unknown log source \"{source}\": expected \"{SupervisorLog.SourceName}\", \"{UpstreamLogHub.CombinedSource}\" or a model id"
            + (models.Length > 0 ? $" ({models})" : ""));
    }
}

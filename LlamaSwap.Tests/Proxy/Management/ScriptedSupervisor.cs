using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>
/// A Supervisor speaking the real contract with scripted answers: snapshots the test publishes, log sources
/// with a history and live chunks, and a record of every Unload call.
/// </summary>
internal sealed class ScriptedSupervisor : SupervisorServiceBase
{
    public static readonly HostIdentity Host = new() { HostId = "test-host", HostName = "test host" };

    private readonly Lock _gate = new();
    private readonly List<Channel<StateSnapshot>> _watchers = [];
    private readonly Dictionary<string, LogSource> _logs = new(StringComparer.Ordinal);
    private readonly List<(string Source, int Count, TaskCompletionSource Reached)> _readerWaiters = [];
    private StateSnapshot _snapshot = new() { Host = Host };

    public ConcurrentQueue<UnloadRequest> Unloads { get; } = new();

    public ConcurrentQueue<StreamLogsRequest> LogRequests { get; } = new();

    /// <summary>When set, Unload fails with this status.</summary>
    public RpcException? UnloadFailure { get; set; }

    public static StateSnapshot Snapshot(params (string Id, ModelState State)[] models)
    {
        var snapshot = new StateSnapshot { Host = Host };
        foreach (var (id, state) in models.OrderBy(m => m.Id, StringComparer.Ordinal))
            snapshot.Models.Add(new ModelStatus { ModelId = id, State = state });
        return snapshot;
    }

    public void Publish(StateSnapshot snapshot)
    {
        lock (_gate)
        {
            _snapshot = snapshot;
            foreach (var watcher in _watchers)
                watcher.Writer.TryWrite(snapshot);
        }
    }

    /// <summary>Adds output to a log source (created on first use): kept as history and sent to live readers.</summary>
    public void WriteLog(string source, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        lock (_gate)
        {
            var log = Source(source);
            log.History.AddRange(data);
            foreach (var reader in log.Readers)
                reader.Writer.TryWrite(new LogChunk { Data = ByteString.CopyFrom(data), Source = source });
        }
    }

    public void DeclareLog(string source)
    {
        lock (_gate)
            Source(source);
    }

    /// <summary>Completes once <paramref name="count"/> readers are streaming this source live.</summary>
    public Task LogReadersAsync(string source, int count)
    {
        lock (_gate)
        {
            if (Source(source).Readers.Count >= count)
                return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _readerWaiters.Add((source, count, reached));
            return reached.Task;
        }
    }

    public int LogReaderCount(string source)
    {
        lock (_gate)
            return _logs.TryGetValue(source, out var log) ? log.Readers.Count : 0;
    }

    public override Task Acquire(AcquireRequest request, IServerStreamWriter<AcquireEvent> responseStream, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "not scripted");

    public override Task<LoadReply> Load(LoadRequest request, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "not scripted");

    public override Task<UnloadReply> Unload(UnloadRequest request, ServerCallContext context)
    {
        Unloads.Enqueue(request);
        if (UnloadFailure is { } failure)
            throw failure;
        return Task.FromResult(new UnloadReply { Host = Host, UnloadedModelIds = { request.ModelIds } });
    }

    public override Task<StateSnapshot> GetState(GetStateRequest request, ServerCallContext context)
    {
        lock (_gate)
            return Task.FromResult(_snapshot);
    }

    public override async Task WatchState(WatchStateRequest request, IServerStreamWriter<StateSnapshot> responseStream, ServerCallContext context)
    {
        var channel = Channel.CreateUnbounded<StateSnapshot>();
        lock (_gate)
        {
            channel.Writer.TryWrite(_snapshot);
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(context.CancellationToken))
                await responseStream.WriteAsync(snapshot, context.CancellationToken);
        }
        finally
        {
            lock (_gate)
                _watchers.Remove(channel);
        }
    }

    public override async Task StreamLogs(StreamLogsRequest request, IServerStreamWriter<LogChunk> responseStream, ServerCallContext context)
    {
        LogRequests.Enqueue(request);
        var channel = Channel.CreateUnbounded<LogChunk>();
        LogSource log;
        lock (_gate)
        {
            if (!_logs.TryGetValue(request.Source, out log!))
                throw new RpcException(StatusCode.InvalidArgument, $"invalid log source '{request.Source}'");
            if (!request.NoHistory && log.History.Count > 0)
                channel.Writer.TryWrite(new LogChunk { Data = ByteString.CopyFrom([.. log.History]), Source = request.Source });
            log.Readers.Add(channel);
            foreach (var waiter in _readerWaiters.Where(w => w.Source == request.Source && log.Readers.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _readerWaiters.Remove(waiter);
            }
        }

        try
        {
            await foreach (var chunk in channel.Reader.ReadAllAsync(context.CancellationToken))
                await responseStream.WriteAsync(chunk, context.CancellationToken);
        }
        finally
        {
            lock (_gate)
                log.Readers.Remove(channel);
        }
    }

    private LogSource Source(string source)
    {
        if (!_logs.TryGetValue(source, out var log))
            _logs[source] = log = new LogSource();
        return log;
    }

    private sealed class LogSource
    {
        public List<byte> History { get; } = [];

        public List<Channel<LogChunk>> Readers { get; } = [];
    }
}

using System.Threading.Channels;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Supervisor.Grpc;

/// <summary>
/// Carries the scheduler's progress reports to an Acquire call's response stream. The scheduler reports on its
/// loop, which must never wait for a network write, so reports go into a channel and one task writes them out
/// in order. That task and its channel are created by the first report only: an Acquire on a ready model gets
/// no report, and its Ready is written without any of it. <see cref="CompleteAsync"/> or
/// <see cref="StopAsync"/> must be awaited before anything else writes to the stream (writes must not overlap).
/// </summary>
/// <remarks>
/// <see cref="Report"/> runs on the scheduler loop and may race with <see cref="StopAsync"/> when the caller
/// cancels (the loop reports until it sees the cancellation), hence the lock; it is never contended on the
/// ready path, where nothing reports.
/// </remarks>
internal sealed class AcquireProgressPump(IServerStreamWriter<AcquireEvent> stream, CancellationToken callEnded) : IProgress<AcquireProgress>
{
    private readonly Lock _gate = new();
    private Channel<AcquireEvent>? _events;
    private CancellationTokenSource? _stop;
    private Task? _writer;
    private bool _closed;

    public void Report(AcquireProgress value)
    {
        lock (_gate)
        {
            if (_closed)
                return;
            if (_events is null)
            {
                _events = Channel.CreateUnbounded<AcquireEvent>(new UnboundedChannelOptions { SingleReader = true });
                _stop = CancellationTokenSource.CreateLinkedTokenSource(callEnded);
                var events = _events.Reader;
                var stop = _stop.Token;

                // On the thread pool: the loop that reports must never run a network write.
                _writer = Task.Run(() => WriteAllAsync(events, stop), CancellationToken.None);
            }

            _events.Writer.TryWrite(ToEvent(value));
        }
    }

    /// <summary>Writes what is queued, then returns; throws if the call ended meanwhile.</summary>
    public async Task CompleteAsync()
    {
        if (Close() is not { } writer)
            return;
        try
        {
            await writer;
        }
        finally
        {
            _stop!.Dispose();
        }
    }

    /// <summary>
    /// Writes what is queued unless the call ends first, then returns; never throws. For a refusal: the client
    /// sees the progress that came before it (e.g. Starting, then the unload that aborted the start).
    /// </summary>
    public async Task DrainAsync()
    {
        if (Close() is { } writer)
            await EndQuietlyAsync(writer);
    }

    /// <summary>Drops what is queued and waits for a write in progress to end; never throws.</summary>
    public async Task StopAsync()
    {
        if (Close() is not { } writer)
            return;
        await _stop!.CancelAsync();
        await EndQuietlyAsync(writer);
    }

    private async Task EndQuietlyAsync(Task writer)
    {
        try
        {
            await writer;
        }
#pragma warning disable CA1031 // The call is failing anyway; the status it ends with is decided elsewhere.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _stop!.Dispose();
        }
    }

    internal static AcquireEvent ToEvent(AcquireProgress progress) => progress switch
    {
        AcquireProgress.Queued q => new AcquireEvent { Queued = new AcquireEvent.Types.Queued { Position = (uint)Math.Max(0, q.Position) } },
        AcquireProgress.WaitingForReady w => new AcquireEvent { WaitingForReady = new AcquireEvent.Types.WaitingForReady { Attempt = (uint)Math.Max(0, w.Attempt) + 1 } },
        AcquireProgress.Starting s => new AcquireEvent { Starting = new AcquireEvent.Types.Starting { EvictedModelIds = { s.Evicted } } },
        _ => throw new ArgumentOutOfRangeException(nameof(progress), progress, "unknown acquire progress"),
    };

    /// <summary>Refuses later reports and returns the writer task, if a report ever started one.</summary>
    private Task? Close()
    {
        lock (_gate)
        {
            _closed = true;
            _events?.Writer.TryComplete();
            return _writer;
        }
    }

    private async Task WriteAllAsync(ChannelReader<AcquireEvent> events, CancellationToken cancellationToken)
    {
        await foreach (var acquireEvent in events.ReadAllAsync(cancellationToken))
            await stream.WriteAsync(acquireEvent, callEnded, cancellationToken);
    }
}

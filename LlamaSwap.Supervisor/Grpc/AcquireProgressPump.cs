using System.Threading.Channels;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Supervisor.Grpc;

/// <summary>
/// Carries the scheduler's progress reports to an Acquire call's response stream. The scheduler reports on its
/// loop, which must never wait for a network write, so reports go into a channel and one task writes them out
/// in order. <see cref="CompleteAsync"/> or <see cref="StopAsync"/> must be awaited before anything else writes
/// to the stream (writes must not overlap).
/// </summary>
internal sealed class AcquireProgressPump : IProgress<AcquireProgress>
{
    private readonly Channel<AcquireEvent> _events = Channel.CreateUnbounded<AcquireEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop;
    private readonly CancellationToken _callEnded;
    private readonly Task _writer;

    public AcquireProgressPump(IServerStreamWriter<AcquireEvent> stream, CancellationToken callEnded)
    {
        _callEnded = callEnded;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(callEnded);
        _writer = WriteAllAsync(stream, _stop.Token);
    }

    public void Report(AcquireProgress value) => _events.Writer.TryWrite(ToEvent(value));

    /// <summary>Writes what is queued, then returns; throws if the call ended meanwhile.</summary>
    public async Task CompleteAsync()
    {
        _events.Writer.TryComplete();
        try
        {
            await _writer;
        }
        finally
        {
            _stop.Dispose();
        }
    }

    /// <summary>Drops what is queued and waits for a write in progress to end; never throws.</summary>
    public async Task StopAsync()
    {
        _events.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _writer;
        }
#pragma warning disable CA1031 // The call is failing anyway; the status it ends with is decided elsewhere.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _stop.Dispose();
        }
    }

    internal static AcquireEvent ToEvent(AcquireProgress progress) => progress switch
    {
        AcquireProgress.Queued q => new AcquireEvent { Queued = new AcquireEvent.Types.Queued { Position = (uint)Math.Max(0, q.Position) } },
        AcquireProgress.WaitingForReady w => new AcquireEvent { WaitingForReady = new AcquireEvent.Types.WaitingForReady { Attempt = (uint)Math.Max(0, w.Attempt) + 1 } },
        _ => new AcquireEvent { Starting = new AcquireEvent.Types.Starting() },
    };

    private async Task WriteAllAsync(IServerStreamWriter<AcquireEvent> stream, CancellationToken cancellationToken)
    {
        // Yield first: the constructor must return before the scheduler can report anything.
        await Task.Yield();
        await foreach (var acquireEvent in _events.Reader.ReadAllAsync(cancellationToken))
            await stream.WriteAsync(acquireEvent, _callEnded, cancellationToken);
    }
}

using System.Threading.Channels;

namespace LlamaSwap.Proxy.Events;

/// <summary>A connected <c>/api/events</c> client; disposing detaches it from every source.</summary>
internal sealed class EventSubscription(EventStream stream, Action detach) : IDisposable
{
    private int _disposed;

    public ChannelReader<ManagementEvent> Reader => stream.Reader;

    /// <summary>True once the client fell so far behind that it was dropped.</summary>
    public bool Overflowed => stream.Overflowed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            detach();
    }
}

using System.Runtime.CompilerServices;
using LlamaSwap.Rpc.Client.Internal;

namespace LlamaSwap.Rpc.Client;

/// <summary>
/// A running server-streaming call. Each message is delivered as soon as it arrives.
/// Disposing the call before the server ends it cancels it (RST_STREAM), which is how a
/// caller ends a long-lived stream such as an Acquire lease or WatchState.
/// </summary>
public sealed class ServerStreamingCall<TResponse> : IAsyncDisposable, IDisposable
    where TResponse : class
{
    private readonly ClientCall<TResponse> _call;
    private readonly Task _started;
    private TResponse? _current;

    internal ServerStreamingCall(ClientCall<TResponse> call)
    {
        _call = call;
        _started = call.StartAsync();

        // A call that fails before anyone reads it must not surface as an unobserved exception.
        _started.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The message the last successful <see cref="MoveNextAsync"/> read.</summary>
    public TResponse Current => _current ?? throw new InvalidOperationException("No message has been read yet.");

    /// <summary>
    /// Waits for the next message. False when the server ended the stream with OK.
    /// Cancelling <paramref name="cancellationToken"/> cancels the whole call.
    /// </summary>
    /// <exception cref="RpcException">The call ended with a status other than OK, or failed.</exception>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        await using var registration = cancellationToken.Register(static call => ((ClientCall<TResponse>)call!).CancelByCaller(), _call);
        await _started;
        _current = await _call.ReadNextAsync(cancellationToken);
        return _current is not null;
    }

    /// <summary>Every message until the server ends the stream.</summary>
    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await MoveNextAsync(cancellationToken))
        {
            yield return Current;
        }
    }

    /// <summary>The trailers the server sent with its status; available once the stream has ended.</summary>
    public Metadata GetTrailers() => _call.Trailers ?? throw new InvalidOperationException("The call has not ended yet.");

    /// <summary>
    /// Makes a read in progress, and every later one, return false without an exception: the caller is about to
    /// dispose the call and must not learn of it as a failure (see <see cref="ClientCall{TResponse}.Release"/>).
    /// </summary>
    internal void Release() => _call.Release();

    public void Dispose()
    {
        _call.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

namespace LlamaSwap.Supervisor.Logs;

/// <summary>
/// A live feed of one log source: first its history (when asked for), then every chunk written after
/// <see cref="UpstreamLogHub.Subscribe"/> returned, with drop markers where the reader fell behind. Enumerate it
/// once; it ends when the enumeration's token is cancelled. Ending the enumeration or disposing unsubscribes.
/// </summary>
internal sealed class LogSubscription(Func<CancellationToken, IAsyncEnumerable<LogChunk>> read, Action unsubscribe)
    : IAsyncEnumerable<LogChunk>, IDisposable
{
    private int _enumerated;

    public async IAsyncEnumerator<LogChunk> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) == 1)
        {
            throw new InvalidOperationException("a log subscription can be enumerated once");
        }

        try
        {
            await foreach (var chunk in read(cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }
        }
        finally
        {
            unsubscribe();
        }
    }

    public void Dispose() => unsubscribe();
}

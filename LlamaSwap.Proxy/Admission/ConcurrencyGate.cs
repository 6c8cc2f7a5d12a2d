using System.Collections.Concurrent;

namespace LlamaSwap.Proxy.Admission;

/// <summary>
/// Counts the requests admitted per model (waiting for a lease or being served) against the model's
/// <c>concurrencyLimit</c>, so an over-capacity request is refused with 429 before anything else
/// happens. A slot is released exactly once, on every path, by disposing it.
/// </summary>
internal sealed class ConcurrencyGate
{
    /// <summary>llama-swap's limit when a model sets none.</summary>
    public const int DefaultLimit = 10;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <returns>A slot to dispose when the request ends, or null when the model is at its limit.</returns>
    public Slot? TryEnter(string modelId, int limit)
    {
        var effective = limit > 0 ? limit : DefaultLimit;
        var counter = _counters.GetOrAdd(modelId, static _ => new Counter());
        lock (counter)
        {
            if (counter.Admitted >= effective)
                return null;
            counter.Admitted++;
        }

        return new Slot(counter);
    }

    /// <summary>Requests currently admitted for the model.</summary>
    public int Admitted(string modelId) => _counters.TryGetValue(modelId, out var counter) ? counter.Admitted : 0;

    public sealed class Slot : IDisposable
    {
        private Counter? _counter;

        internal Slot(Counter counter) => _counter = counter;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _counter, null) is { } counter)
            {
                lock (counter)
                    counter.Admitted--;
            }
        }
    }

    internal sealed class Counter
    {
        public int Admitted { get; set; }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LlamaSwap.Proxy.Backends;

/// <summary>Requests in flight per backend, counted by routing rules for the least-loaded choice.</summary>
internal sealed class BackendLoad
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public BackendLoad(RoutingTelemetry telemetry)
    {
        telemetry.Meter.CreateObservableGauge(RoutingTelemetry.Instruments.InFlight,
            () => _counters.Select(p => new Measurement<int>(p.Value.Value, new KeyValuePair<string, object?>(RoutingTelemetry.Tags.Backend, p.Key))),
            "{request}", "Requests routing rules have in flight per backend");
    }

    public int InFlight(string backend) => _counters.TryGetValue(backend, out var counter) ? counter.Value : 0;

    /// <summary>Counts a request on <paramref name="backend"/> until the returned scope is disposed.</summary>
    public IDisposable Enter(string backend)
    {
        var counter = _counters.GetOrAdd(backend, static _ => new Counter());
        Interlocked.Increment(ref counter.Value);
        return new Exit(counter);
    }

    private sealed class Counter
    {
        public int Value;
    }

    private sealed class Exit(Counter counter) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                Interlocked.Decrement(ref counter.Value);
        }
    }
}

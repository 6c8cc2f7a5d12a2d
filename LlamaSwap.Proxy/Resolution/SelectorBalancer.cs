using LlamaSwap.Configuration;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Resolution;

/// <summary>
/// Picks a selector's target per request (llama-swap §3.8): <c>pin</c> the first target; <c>warm</c> the
/// first Ready target, else the first Starting one, else the first; <c>spillover</c> keeps up to
/// <c>settings.spillover</c> requests on each active target before spilling to the next cold one.
/// Spillover counts the requests this selector routed and has not seen finish; a choice holds its
/// count until the returned lease is disposed.
/// </summary>
internal sealed class SelectorBalancer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SelectorLoad> _loads = new(StringComparer.Ordinal);

    /// <param name="states">Local model states by model id (missing = stopped).</param>
    /// <returns>The chosen target name as configured, with the lease that counts it; null when spillover has none.</returns>
    public Choice? Choose(SelectorConfig selector, RoutingTable table, IReadOnlyDictionary<string, ModelState> states)
    {
        switch (selector.Strategy)
        {
            case SelectorStrategy.Pin:
                return new Choice(selector.Targets[0], null);
            case SelectorStrategy.Warm:
                var ready = selector.Targets.FirstOrDefault(t => State(t, table, states) == ModelState.Ready);
                var starting = selector.Targets.FirstOrDefault(t => State(t, table, states) == ModelState.Starting);
                return new Choice(ready ?? starting ?? selector.Targets[0], null);
            default:
                return ChooseSpillover(selector, table, states);
        }
    }

    /// <summary>Requests counted for a selector's target (tests and diagnostics).</summary>
    public int InFlight(string selectorId, string target)
    {
        lock (_lock)
            return _loads.TryGetValue(selectorId, out var load) ? load.InFlight.GetValueOrDefault(target) : 0;
    }

    private Choice? ChooseSpillover(SelectorConfig selector, RoutingTable table, IReadOnlyDictionary<string, ModelState> states)
    {
        lock (_lock)
        {
            if (!_loads.TryGetValue(selector.Id, out var load))
                _loads[selector.Id] = load = new SelectorLoad();

            var active = new List<string>();
            var cold = new List<string>();
            foreach (var target in selector.Targets)
            {
                var inFlight = load.InFlight.GetValueOrDefault(target);
                if (table.Local(target) is not null)
                {
                    var state = State(target, table, states);
                    if (state == ModelState.Stopping)
                        continue;
                    (state is ModelState.Ready or ModelState.Starting || inFlight > 0 ? active : cold).Add(target);
                }
                else
                {
                    (inFlight > 0 ? active : cold).Add(target);
                }
            }

            string chosen;
            if (active.Count == 0)
            {
                if (cold.Count == 0)
                    return null;
                chosen = cold[0];
            }
            else
            {
                var least = active.Min(t => load.InFlight.GetValueOrDefault(t));
                if (least < selector.Spillover || cold.Count == 0)
                {
                    var ties = active.Where(t => load.InFlight.GetValueOrDefault(t) == least).ToList();
                    chosen = ties[load.RoundRobin++ % ties.Count];
                }
                else
                {
                    chosen = cold[0];
                }
            }

            load.InFlight[chosen] = load.InFlight.GetValueOrDefault(chosen) + 1;
            return new Choice(chosen, new Release(this, load, chosen));
        }
    }

    private static ModelState State(string target, RoutingTable table, IReadOnlyDictionary<string, ModelState> states) =>
        table.Local(target) is { } model && states.TryGetValue(model.Id, out var state) ? state : ModelState.Stopped;

    public sealed record Choice(string Target, IDisposable? Lease);

    private sealed class SelectorLoad
    {
        public Dictionary<string, int> InFlight { get; } = new(StringComparer.Ordinal);
        public int RoundRobin { get; set; }
    }

    private sealed class Release(SelectorBalancer owner, SelectorLoad load, string target) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1)
                return;
            lock (owner._lock)
                load.InFlight[target] = Math.Max(0, load.InFlight.GetValueOrDefault(target) - 1);
        }
    }
}

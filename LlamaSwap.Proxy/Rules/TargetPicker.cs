using System.Collections.Concurrent;
using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Rules;

/// <summary>
/// Orders a rule's candidates for one request: the chosen target first (smooth weighted round robin, or the
/// least loaded with ties rotating), then the rule's other targets by weight, then its fallback chain. Names out
/// of rotation (unhealthy, circuit open) are left out.
/// </summary>
/// <remarks>
/// Smooth weighted round robin spreads picks evenly: weights 3:1 give A A B A, A A B A, …, so any window of
/// requests follows the split closely, not only the long run. Its state is per rule name and guarded by a lock
/// held for a few additions; a reload that keeps a rule's name keeps its position.
/// </remarks>
internal sealed class TargetPicker
{
    private readonly ConcurrentDictionary<string, RuleState> _states = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Order(RouteRuleConfig rule, Func<string, bool> available, Func<string, int> inFlight)
    {
        var targets = rule.Targets.Where(t => available(t.Model)).ToList();
        var order = new List<string>();
        if (targets.Count > 0)
        {
            var state = _states.GetOrAdd(rule.Name, static _ => new RuleState());
            var chosen = rule.Strategy == RouteStrategy.LeastLoaded
                ? state.LeastLoaded(targets, inFlight)
                : state.SmoothWeighted(targets);
            order.Add(chosen);
            order.AddRange(targets.OrderByDescending(t => t.Weight).Select(t => t.Model));
        }

        order.AddRange(rule.Fallback.Where(available));
        return [.. order.Distinct(StringComparer.Ordinal)];
    }

    private sealed class RuleState
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, long> _current = new(StringComparer.Ordinal);
        private long _rotation;

        public string SmoothWeighted(List<RouteTarget> targets)
        {
            var weighted = targets.Where(t => t.Weight > 0).ToList();
            if (weighted.Count == 0)
                return targets[0].Model;
            lock (_gate)
            {
                long total = 0;
                RouteTarget? best = null;
                foreach (var target in weighted)
                {
                    total += target.Weight;
                    var current = _current[target.Model] = _current.GetValueOrDefault(target.Model) + target.Weight;
                    if (best is null || current > _current[best.Model])
                        best = target;
                }

                _current[best!.Model] -= total;
                return best.Model;
            }
        }

        public string LeastLoaded(List<RouteTarget> targets, Func<string, int> inFlight)
        {
            var loads = targets.Select(t => (t.Model, Load: inFlight(t.Model))).ToList();
            var least = loads.Min(l => l.Load);
            var ties = loads.Where(l => l.Load == least).ToList();
            var turn = Interlocked.Increment(ref _rotation);
            return ties[(int)(turn % ties.Count)].Model;
        }
    }
}

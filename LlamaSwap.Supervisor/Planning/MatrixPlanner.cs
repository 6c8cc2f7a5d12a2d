using System.Collections.Immutable;
using LlamaSwap.Configuration;

namespace LlamaSwap.Supervisor.Planning;

/// <summary>
/// llama-swap's matrix solver: a running target evicts nothing; a target in no set runs alone;
/// otherwise the concrete expansion containing the target with the lowest total eviction cost of the
/// running models outside it wins (ties: the first in solver order), and everything running outside
/// it is evicted.
/// </summary>
/// <remarks>
/// The configuration already holds every set's expansions, so the solver scans them instead of
/// projecting the DSL; with the handful of models one machine runs this stays cheap.
/// </remarks>
internal sealed class MatrixPlanner(MatrixConfig matrix) : IEvictionPlanner
{
    public ImmutableArray<string> EvictionFor(string target, IReadOnlyList<RunningModel> running)
    {
        if (running.Any(m => m.Id == target))
            return [];

        ImmutableSortedSet<string>? best = null;
        var bestCost = long.MaxValue;
        foreach (var set in matrix.Sets)
        {
            foreach (var expansion in set.Expansions)
            {
                if (!expansion.Contains(target))
                    continue;
                var cost = running.Where(m => !expansion.Contains(m.Id)).Sum(m => (long)matrix.EvictCost(m.Id));
                if (cost < bestCost)
                {
                    best = expansion;
                    bestCost = cost;
                }
            }
        }

        return [.. running
            .Where(m => best is null || !best.Contains(m.Id))
            .Select(m => m.Id)
            .Order(StringComparer.Ordinal)];
    }
}

using System.Collections.Immutable;

namespace LlamaSwap.Supervisor.Planning;

/// <summary>
/// At most <c>N</c> models loaded: a running target evicts nothing; otherwise the least recently used
/// models are evicted until at most N − 1 others remain. A model in use (open leases or waiters)
/// counts as used now; ties go to the lower id so the choice is deterministic.
/// </summary>
internal sealed class MaxLoadedPlanner(int maxLoaded) : IEvictionPlanner
{
    private readonly int _maxLoaded = Math.Max(1, maxLoaded);

    public ImmutableArray<string> EvictionFor(string target, IReadOnlyList<RunningModel> running)
    {
        if (running.Any(m => m.Id == target))
            return [];

        var excess = running.Count - (_maxLoaded - 1);
        if (excess <= 0)
            return [];

        return [.. running
            .OrderBy(m => m.InUse)
            .ThenBy(m => m.LastUsed)
            .ThenBy(m => m.Id, StringComparer.Ordinal)
            .Take(excess)
            .Select(m => m.Id)
            .Order(StringComparer.Ordinal)];
    }
}

using System.Collections.Immutable;

namespace LlamaSwap.Supervisor.Planning;

/// <summary>
/// Decides which running models must stop before a target model may run. Implementations are pure:
/// the scheduler calls them speculatively on every admission and every queue drain, so they must not
/// log, mutate or read anything but their arguments.
/// </summary>
internal interface IEvictionPlanner
{
    /// <param name="target">The model a request needs.</param>
    /// <param name="running">
    /// Every model that occupies resources now or is about to: processes that are starting, ready or
    /// stopping, plus the targets of swaps in flight. Contains <paramref name="target"/> only when the
    /// target itself is starting or ready. Ordered by id (ordinal).
    /// </param>
    /// <returns>The models to stop, ordinal order; never contains <paramref name="target"/>.</returns>
    ImmutableArray<string> EvictionFor(string target, IReadOnlyList<RunningModel> running);
}

/// <summary>What a planner may know about one running model.</summary>
/// <param name="LastUsed">When its last lease ended (or when it became ready, if never leased since).</param>
/// <param name="InUse">It holds open leases or has requests waiting for it; such a model counts as used now.</param>
internal readonly record struct RunningModel(string Id, DateTimeOffset LastUsed, bool InUse);

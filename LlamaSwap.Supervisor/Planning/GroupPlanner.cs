using System.Collections.Immutable;
using LlamaSwap.Configuration;

namespace LlamaSwap.Supervisor.Planning;

/// <summary>
/// llama-swap's group rule: starting target T evicts a running M ≠ T when M is in T's group and that
/// group swaps, or when M is in another group, T's group is exclusive and M's group is not persistent.
/// A model named in no group belongs to the implicit <c>(default)</c> group (swap, exclusive), so a
/// configuration without groups runs one model at a time.
/// </summary>
/// <remarks>
/// Kept from llama-swap on purpose: a member of a non-exclusive group never evicts running members of
/// exclusive groups, even though starting one of those later evicts it.
/// </remarks>
internal sealed class GroupPlanner : IEvictionPlanner
{
    private readonly Dictionary<string, GroupConfig> _groupOf = new(StringComparer.Ordinal);
    private readonly GroupConfig _defaultGroup;

    public GroupPlanner(IEnumerable<GroupConfig> groups)
    {
        GroupConfig? declaredDefault = null;
        foreach (var group in groups)
        {
            if (group.Id == GroupConfig.DefaultGroupId)
                declaredDefault = group;
            foreach (var member in group.Members)
                _groupOf.TryAdd(member, group);
        }

        _defaultGroup = declaredDefault ?? new GroupConfig { Id = GroupConfig.DefaultGroupId };
    }

    public ImmutableArray<string> EvictionFor(string target, IReadOnlyList<RunningModel> running)
    {
        var targetGroup = GroupOf(target);
        var evict = ImmutableArray.CreateBuilder<string>();
        foreach (var model in running)
        {
            if (model.Id != target && WouldEvict(targetGroup, GroupOf(model.Id)))
                evict.Add(model.Id);
        }

        evict.Sort(StringComparer.Ordinal);
        return evict.ToImmutable();
    }

    private GroupConfig GroupOf(string modelId) => _groupOf.GetValueOrDefault(modelId, _defaultGroup);

    private static bool WouldEvict(GroupConfig targetGroup, GroupConfig runningGroup) =>
        ReferenceEquals(targetGroup, runningGroup)
            ? targetGroup.Swap
            : targetGroup.Exclusive && !runningGroup.Persistent;
}

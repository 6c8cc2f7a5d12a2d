using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>
/// Groups in definition order, then the implicit <c>(default)</c> group of every model in no group. Unlike
/// llama-swap, a member that is not a model id is a load error here rather than a failure when routing starts.
/// </summary>
internal static class GroupsDecoder
{
    public static ImmutableArray<GroupConfig> Decode(Section? groups, LlamaSwapConfig config)
    {
        var result = ImmutableArray.CreateBuilder<GroupConfig>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in groups?.Entries ?? [])
        {
            if (Section.Open(entry.Value, groups!.PathOf(entry.Name), entry.Key.Start, groups.Diagnostics, Keys.GroupKeys) is not { } group)
            {
                continue;
            }

            var members = ImmutableArray.CreateBuilder<string>();
            foreach (var (member, node, path) in group.Strings(Keys.Members) ?? [])
            {
                string? problem = null;
                if (members.Contains(member))
                {
                    problem = $"duplicate model member {member} found in group: {entry.Name}";
                }
                else if (owners.TryGetValue(member, out var other))
                {
                    problem = $"model member {member} is used in multiple groups: {other} and {entry.Name}";
                }
                else if (!config.Models.ContainsKey(member))
                {
                    var hint = config.Aliases.TryGetValue(member, out var target) ? $" ('{member}' is an alias of '{target}'; groups list model IDs)" : "";
                    problem = $"group {entry.Name} member {member} is not a defined model{hint}";
                }

                else if (config.Models[member].IsEndpoint)
                {
                    problem = $"group {entry.Name} member {member} is an endpoint model: nothing is started for it, so it belongs to no group";
                }

                if (problem is not null)
                {
                    group.Diagnostics.Error(node, path, problem);
                    continue;
                }

                owners[member] = entry.Name;
                members.Add(member);
            }

            result.Add(new GroupConfig
            {
                Id = entry.Name,
                Swap = group.Bool(Keys.Swap) ?? true,
                Exclusive = group.Bool(Keys.Exclusive) ?? true,
                Persistent = group.Bool(Keys.Persistent) ?? false,
                Members = members.ToImmutable(),
            });
        }

        var ungrouped = config.Models.Values.Where(m => !m.IsEndpoint && !owners.ContainsKey(m.Id)).Select(m => m.Id).ToImmutableArray();
        if (ungrouped.Length > 0)
        {
            result.Add(new GroupConfig { Id = GroupConfig.DefaultGroupId, Members = ungrouped });
        }

        return result.ToImmutable();
    }
}

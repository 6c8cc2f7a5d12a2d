namespace LlamaSwap.Configuration.Validation;

/// <summary>
/// Spillover sends requests to several local targets at once, so the router must allow them to run together:
/// one group with <c>swap: false</c>, one expanded matrix set containing all, or a maxLoaded large enough.
/// </summary>
internal static class SpilloverCompatibility
{
    /// <returns>Why the targets cannot run together, or null when they can.</returns>
    public static string? Check(IReadOnlyList<string> localIds, RoutingConfig routing)
    {
        if (localIds.Count < 2)
        {
            return null;
        }

        return routing.Router switch
        {
            RouterKind.Matrix => CheckMatrix(localIds, routing.Matrix),
            RouterKind.MaxLoaded => routing.MaxLoaded >= localIds.Count
                ? null
                : $"spillover targets need routing.router.settings.maxLoaded >= {localIds.Count} to run together (it is {routing.MaxLoaded})",
            _ => CheckGroups(localIds, routing),
        };
    }

    private static string? CheckGroups(IReadOnlyList<string> localIds, RoutingConfig routing)
    {
        GroupConfig? shared = null;
        foreach (var id in localIds)
        {
            var group = routing.Groups.FirstOrDefault(g => g.Members.Contains(id));
            if (group is null)
            {
                return $"target \"{id}\" is not in a routing group";
            }

            if (shared is not null && shared.Id != group.Id)
            {
                return $"spillover targets must share one routing group (\"{localIds[0]}\" is in {shared.Id}, \"{id}\" is in {group.Id})";
            }

            shared = group;
        }

        return shared!.Swap ? $"spillover targets must share a group with swap: false (group {shared.Id} has swap: true)" : null;
    }

    private static string? CheckMatrix(IReadOnlyList<string> localIds, MatrixConfig? matrix) =>
        matrix is not null && matrix.Sets.Any(set => set.Expansions.Any(expansion => localIds.All(expansion.Contains)))
            ? null
            : "spillover targets must all appear together in one expanded matrix set";
}

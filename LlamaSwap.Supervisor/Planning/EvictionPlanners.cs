using LlamaSwap.Configuration;

namespace LlamaSwap.Supervisor.Planning;

internal static class EvictionPlanners
{
    /// <summary>The planner that <c>routing.router.use</c> selects.</summary>
    public static IEvictionPlanner For(RoutingConfig routing) => routing.Router switch
    {
        RouterKind.Group => new GroupPlanner(routing.Groups),
        RouterKind.Matrix => new MatrixPlanner(routing.Matrix ?? new MatrixConfig()),
        RouterKind.MaxLoaded => new MaxLoadedPlanner(routing.MaxLoaded),
        _ => throw new ArgumentOutOfRangeException(nameof(routing), routing.Router, "unknown router kind"),
    };
}

using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Listing;

/// <summary>llama-swap's wire strings for a model's process state, read from the Supervisor's latest snapshot.</summary>
internal static class ModelStates
{
    public const string Stopped = "stopped";
    public const string Starting = "starting";
    public const string Ready = "ready";
    public const string Stopping = "stopping";

    public static string Name(ModelState state) => state switch
    {
        ModelState.Starting => Starting,
        ModelState.Ready => Ready,
        ModelState.Stopping => Stopping,
        _ => Stopped,
    };

    /// <summary>Model id → state for every model the snapshot reports (none when there is no snapshot yet).</summary>
    public static IReadOnlyDictionary<string, ModelState> ById(StateSnapshot? snapshot)
    {
        var states = new Dictionary<string, ModelState>(StringComparer.Ordinal);
        if (snapshot is not null)
        {
            foreach (var model in snapshot.Models)
                states[model.ModelId] = model.State;
        }

        return states;
    }

    public static ModelState Of(IReadOnlyDictionary<string, ModelState> states, string modelId) =>
        states.TryGetValue(modelId, out var state) ? state : ModelState.Stopped;

    public static bool IsRunning(ModelState state) => state is ModelState.Starting or ModelState.Ready or ModelState.Stopping;
}

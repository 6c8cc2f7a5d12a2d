using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Resolution;

/// <summary>
/// Resolves the name a client asked for, in llama-swap's order: the active profile's pin (a disabled
/// pin answers 404), then a selector (rewriting the name to its chosen target), then a local model id
/// or alias, then a peer model (<c>peer/model</c>, or a bare name exactly one peer serves). Local
/// models win over peer names.
/// </summary>
internal sealed class ModelResolver(ActiveProfile activeProfile, SelectorBalancer selectors, ISupervisorGateway gateway)
{
    public Resolution Resolve(RoutingTable table, string requested)
    {
        var config = table.Config;
        var name = requested;
        string? profileName = null;
        if (activeProfile.Name is { } active && config.Profiles.TryGetValue(active, out var profile)
            && profile.Pins.TryGetValue(requested, out var pinned))
        {
            if (pinned.Length == 0)
                return Resolution.Failed(ProxyError.DisabledByProfile(requested, active));
            name = pinned;
            profileName = active;
        }

        string? selectorId = null;
        IDisposable? lease = null;
        if (config.Selectors.TryGetValue(name, out var selector))
        {
            if (selectors.Choose(selector, table, ModelStates()) is not { } choice)
                return Resolution.Failed(ProxyError.SelectorUnavailable(selector.Id));
            selectorId = selector.Id;
            name = choice.Target;
            lease = choice.Lease;
        }

        if (table.Local(name) is { } local)
            return new Resolution(new ResolvedModel(requested, name, local, null) { Profile = profileName, Selector = selectorId }, null, lease);
        if (table.Peer(name) is { } peer)
            return new Resolution(new ResolvedModel(requested, name, null, peer) { Profile = profileName, Selector = selectorId }, null, lease);

        lease?.Dispose();
        return Resolution.Failed(ProxyError.NoRouter());
    }

    /// <summary>Local model states from the Supervisor's latest snapshot (empty before the first one).</summary>
    public IReadOnlyDictionary<string, ModelState> ModelStates()
    {
        var states = new Dictionary<string, ModelState>(StringComparer.Ordinal);
        if (gateway.Latest is { } snapshot)
        {
            foreach (var model in snapshot.Models)
                states[model.ModelId] = model.State;
        }

        return states;
    }
}

using System.Text.RegularExpressions;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Auth;
using LlamaSwap.Proxy.Rules;

namespace LlamaSwap.Proxy.Resolution;

/// <summary>
/// Lookups derived once from one configuration: peer model names (full and unique bare names), the
/// compiled <c>upstream.ignorePaths</c>, the compiled routing rules and the API key validator. Immutable; a
/// reload builds a new one.
/// </summary>
internal sealed class RoutingTable
{
    private readonly Dictionary<string, PeerModel> _peerModels = new(StringComparer.Ordinal);

    public RoutingTable(LlamaSwapConfig config)
    {
        Config = config;
        var bare = new Dictionary<string, List<PeerModel>>(StringComparer.Ordinal);
        foreach (var peer in config.Peers.Values)
        {
            foreach (var model in peer.Models.Distinct(StringComparer.Ordinal))
            {
                var peerModel = new PeerModel(peer, model);
                _peerModels[peerModel.FullName] = peerModel;
                if (!bare.TryGetValue(model, out var list))
                    bare[model] = list = [];
                list.Add(peerModel);
            }
        }

        // A full name wins over a bare name with the same text.
        foreach (var (name, list) in bare)
        {
            if (list.Count == 1)
                _peerModels.TryAdd(name, list[0]);
        }

        IgnorePaths = [.. config.UpstreamIgnorePaths.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))];
        Keys = new ApiKeyValidator(config.ApiKeys);
        Rules = [.. config.Routes.Select(r => new CompiledRule(r))];
    }

    public LlamaSwapConfig Config { get; }

    public IReadOnlyList<Regex> IgnorePaths { get; }

    public ApiKeyValidator Keys { get; }

    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>The first rule this request satisfies, or null: the request then resolves by its model name alone.</summary>
    public CompiledRule? MatchRule(string model, HttpRequest request)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(model, request))
                return rule;
        }

        return null;
    }

    /// <summary>The key a name's backend is known by (model id, <c>peer/model</c>, or the name itself for a selector).</summary>
    public string BackendOf(string name) => Local(name)?.Id ?? Peer(name)?.FullName ?? name;

    public ModelConfig? Local(string name) =>
        Config.ResolveModelId(name) is { } id ? Config.Models[id] : null;

    public PeerModel? Peer(string name) => _peerModels.GetValueOrDefault(name);

    /// <summary>A local model id or alias, or a peer model: something a request can be routed to directly.</summary>
    public bool IsRoutable(string name) => Local(name) is not null || Peer(name) is not null;
}

using System.Collections.Immutable;
using LlamaSwap.Configuration.Validation;

namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>peers.&lt;id&gt;</c>: remote servers and the models they serve.</summary>
internal static class PeersDecoder
{
    private static readonly UpstreamTimeouts PeerDefaults = new() { ResponseHeader = TimeSpan.FromSeconds(60) };

    public static (ImmutableSortedDictionary<string, PeerConfig> Peers, ImmutableArray<PeerModelRef> Models) Decode(Section root)
    {
        var peers = ImmutableSortedDictionary.CreateBuilder<string, PeerConfig>(StringComparer.Ordinal);
        var refs = ImmutableArray.CreateBuilder<PeerModelRef>();
        if (root.Child(Keys.Peers, knownKeys: null) is not { } section)
        {
            return (peers.ToImmutable(), refs.ToImmutable());
        }

        foreach (var entry in section.Entries)
        {
            if (Section.Open(entry.Value, section.PathOf(entry.Name), entry.Key.Start, section.Diagnostics, Keys.PeerKeys) is not { } peer)
            {
                continue;
            }

            var proxy = peer.String(Keys.Proxy) ?? "";
            if (proxy.Length == 0)
            {
                peer.Error(Keys.Proxy, "proxy is required");
            }
            else if (!UrlRules.IsHttpUrl(proxy))
            {
                peer.Error(Keys.Proxy, $"invalid peer proxy URL (\"{proxy}\": need an absolute http:// or https:// URL)");
            }

            var models = ImmutableArray.CreateBuilder<string>();
            foreach (var (model, node, path) in peer.Strings(Keys.Models) ?? [])
            {
                if (!models.Contains(model))
                {
                    models.Add(model);
                    refs.Add(new PeerModelRef(entry.Name, model, node, path));
                }
            }

            if (models.Count == 0)
            {
                peer.Error(Keys.Models, "peer models can not be empty");
            }

            peers[entry.Name] = new PeerConfig
            {
                Id = entry.Name,
                Proxy = proxy,
                ApiKey = peer.String(Keys.ApiKey) ?? "",
                Models = models.ToImmutable(),
                Filters = FiltersDecoder.Decode(peer, allowById: false),
                Timeouts = TimeoutsDecoder.Decode(peer, PeerDefaults),
            };
        }

        return (peers.ToImmutable(), refs.ToImmutable());
    }
}

using System.Collections.Immutable;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Macros;
using LlamaSwap.Configuration.Validation;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>
/// Turns the expanded document into a <see cref="LlamaSwapConfig"/>, section by section in dependency order
/// (models before aliases, aliases before routing and selectors, …), checking each reference as it goes.
/// </summary>
internal static class ConfigDecoder
{
    public static LlamaSwapConfig Decode(ExpandedDocument document, DiagnosticBag diagnostics)
    {
        var root = Section.Open(document.Root, "", document.Root.Start, diagnostics, Keys.TopLevel)!;
        var config = GlobalSettingsDecoder.Decode(root);

        var models = root.Child(Keys.Models, knownKeys: null);
        config = config with { Models = DecodeModels(models, config, document) };
        if (models is not null)
        {
            config = config with { Aliases = AliasTableBuilder.Build(config.Models, models) };
        }

        config = config with { Routing = RoutingDecoder.Decode(root, config) };
        config = config with { Preload = PreloadDecoder.Decode(root, config) };

        var (peers, peerModels) = PeersDecoder.Decode(root);
        var peerIndex = new PeerModelIndex(peers.Values);
        config = config with { Peers = peers };
        config = config with { Selectors = SelectorsDecoder.Decode(root, config, peerIndex) };
        config = config with { Profiles = ProfilesDecoder.Decode(root, config, peerIndex) };
        config = config with
        {
            Routes = RoutesDecoder.Decode(root, config, peerIndex),
            Resilience = RoutesDecoder.DecodeResilience(root),
            EndpointHealth = RoutesDecoder.DecodeEndpointHealth(root),
        };
        PeerNamespaceValidator.Validate(peerModels, config, diagnostics);
        return config;
    }

    private static ImmutableSortedDictionary<string, ModelConfig> DecodeModels(
        Section? models, LlamaSwapConfig globals, ExpandedDocument document)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, ModelConfig>(StringComparer.Ordinal);
        foreach (var entry in models?.Entries ?? [])
        {
            var port = document.Ports.TryGetValue(entry.Name, out var allocated) ? allocated : (int?)null;
            if (ModelDecoder.Decode(entry, models!, globals, port) is { } model)
            {
                result[entry.Name] = model;
            }
        }

        return result.ToImmutable();
    }
}

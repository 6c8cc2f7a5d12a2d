using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Configuration.Loading;

namespace LlamaSwap.Configuration.Validation;

/// <summary>
/// Every peer model is addressable as <c>peer/model</c>; that full name must be unambiguous and must not shadow a
/// local model id, alias, selector id or profile pin name.
/// </summary>
internal static class PeerNamespaceValidator
{
    public static void Validate(IEnumerable<PeerModelRef> peerModels, LlamaSwapConfig config, DiagnosticBag diagnostics)
    {
        var producers = new Dictionary<string, PeerModelRef>(StringComparer.Ordinal);
        var pinNames = config.Profiles.Values.SelectMany(p => p.Pins.Keys).ToHashSet(StringComparer.Ordinal);
        foreach (var peerModel in peerModels)
        {
            var fullName = peerModel.FullName;
            string? conflict = null;
            if (producers.TryGetValue(fullName, out var other))
            {
                conflict = $"peer model name \"{fullName}\" is ambiguous: peers {other.PeerId} (model {other.Model}) and {peerModel.PeerId} (model {peerModel.Model}) both produce it";
            }
            else if (config.Models.ContainsKey(fullName))
            {
                conflict = $"local model ID \"{fullName}\" conflicts with fully qualified peer model name";
            }
            else if (config.Aliases.TryGetValue(fullName, out var owner))
            {
                conflict = $"alias \"{fullName}\" of model {owner} conflicts with fully qualified peer model name";
            }
            else if (config.Selectors.ContainsKey(fullName))
            {
                conflict = $"selector ID \"{fullName}\" conflicts with fully qualified peer model name";
            }
            else if (pinNames.Contains(fullName))
            {
                conflict = $"profile pin name \"{fullName}\" conflicts with fully qualified peer model name";
            }

            if (conflict is not null)
            {
                diagnostics.Error(peerModel.Node, peerModel.Path, conflict);
            }

            producers.TryAdd(fullName, peerModel);
        }
    }
}

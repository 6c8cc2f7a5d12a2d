namespace LlamaSwap.Configuration.Validation;

/// <summary>
/// Resolves peer model names: <c>peer/model</c> always; a bare <c>model</c> only when exactly one peer lists it
/// and no full name equals it.
/// </summary>
internal sealed class PeerModelIndex
{
    private readonly HashSet<string> fullNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> bare = new(StringComparer.Ordinal);

    public PeerModelIndex(IEnumerable<PeerConfig> peers)
    {
        foreach (var peer in peers)
        {
            foreach (var model in peer.Models)
            {
                var fullName = $"{peer.Id}/{model}";
                fullNames.Add(fullName);
                if (!bare.TryGetValue(model, out var list))
                {
                    bare[model] = list = [];
                }

                list.Add(fullName);
            }
        }
    }

    /// <returns>The full name <c>peer/model</c>, or null when the name is not a (unique) peer model.</returns>
    public string? Resolve(string name) =>
        fullNames.Contains(name) ? name
        : bare.TryGetValue(name, out var list) && list.Count == 1 ? list[0]
        : null;
}

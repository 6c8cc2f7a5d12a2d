using System.Collections.Immutable;

namespace LlamaSwap.Configuration;

public sealed record ProfileConfig
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Requested name → target name; an empty target disables that name while the profile is active.</summary>
    public ImmutableSortedDictionary<string, string> Pins { get; init; } =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
}

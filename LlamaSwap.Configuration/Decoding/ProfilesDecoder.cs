using System.Collections.Immutable;
using LlamaSwap.Configuration.Validation;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>profiles.&lt;name&gt;</c>: runtime-selectable pins from requested names to targets.</summary>
internal static class ProfilesDecoder
{
    private const string LegacySyntax = "legacy list syntax is no longer supported: use profiles.<name>.pins.<requested name>: <target>";

    public static ImmutableSortedDictionary<string, ProfileConfig> Decode(Section root, LlamaSwapConfig config, PeerModelIndex peers)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, ProfileConfig>(StringComparer.Ordinal);
        if (root.Value(Keys.Profiles) is YamlSequence list)
        {
            root.Diagnostics.Error(list, Keys.Profiles, LegacySyntax);
            return result.ToImmutable();
        }

        if (root.Child(Keys.Profiles, knownKeys: null) is not { } section)
        {
            return result.ToImmutable();
        }

        foreach (var entry in section.Entries)
        {
            var path = section.PathOf(entry.Name);
            if (entry.Name.Trim().Length == 0)
            {
                section.Diagnostics.Error(entry.Key, path, "profile name must not be blank");
                continue;
            }

            if (entry.Value is YamlSequence)
            {
                section.Diagnostics.Error(entry.Value, path, LegacySyntax);
                continue;
            }

            if (Section.Open(entry.Value, path, entry.Key.Start, section.Diagnostics, Keys.ProfileKeys) is not { } profile)
            {
                continue;
            }

            result[entry.Name] = new ProfileConfig
            {
                Name = entry.Name,
                Description = profile.String(Keys.Description) ?? "",
                Pins = Pins(profile, config, peers),
            };
        }

        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string> Pins(Section profile, LlamaSwapConfig config, PeerModelIndex peers)
    {
        var pins = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (profile.Child(Keys.Pins, knownKeys: null) is not { } section)
        {
            return pins.ToImmutable();
        }

        if (section.Node.Entries.IsEmpty)
        {
            section.Error("must contain at least one entry");
        }

        foreach (var entry in section.Entries)
        {
            var path = section.PathOf(entry.Name);
            if (entry.Name.Trim().Length == 0)
            {
                section.Diagnostics.Error(entry.Key, path, "pin name must not be blank");
                continue;
            }

            if (Values.String(entry.Value, path, section.Diagnostics) is not { } target)
            {
                continue;
            }

            // An empty (or null) target disables the name while the profile is active.
            if (target.Length > 0 && config.ResolveModelId(target) is null && peers.Resolve(target) is null && !config.Selectors.ContainsKey(target))
            {
                section.Diagnostics.Error(entry.Value, path, $"references unknown model \"{target}\"");
                continue;
            }

            pins[entry.Name] = target;
        }

        return pins.ToImmutable();
    }
}

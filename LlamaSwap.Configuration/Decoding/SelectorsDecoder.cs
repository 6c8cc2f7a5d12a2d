using System.Collections.Immutable;
using LlamaSwap.Configuration.Validation;

namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>selectors.&lt;id&gt;</c>: virtual model ids resolved per request (pin, warm, spillover).</summary>
internal static class SelectorsDecoder
{
    private const int DefaultSpillover = 1;

    public static ImmutableSortedDictionary<string, SelectorConfig> Decode(Section root, LlamaSwapConfig config, PeerModelIndex peers)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, SelectorConfig>(StringComparer.Ordinal);
        if (root.Child(Keys.Selectors, knownKeys: null) is not { } section)
        {
            return result.ToImmutable();
        }

        var selectorIds = section.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in section.Entries)
        {
            var path = section.PathOf(entry.Name);
            if (config.Models.ContainsKey(entry.Name))
            {
                section.Diagnostics.Error(entry.Key, path, "name conflicts with model ID");
            }
            else if (config.Aliases.ContainsKey(entry.Name))
            {
                section.Diagnostics.Error(entry.Key, path, $"name conflicts with model alias (of model {config.Aliases[entry.Name]})");
            }

            if (Section.Open(entry.Value, path, entry.Key.Start, section.Diagnostics, Keys.SelectorKeys) is not { } selector)
            {
                continue;
            }

            var strategy = Strategy(selector);
            var spillover = selector.Child(Keys.Settings, Keys.SelectorSettingsKeys) is { } settings
                ? Spillover(settings, strategy)
                : DefaultSpillover;
            var targets = Targets(selector, strategy, config, peers, selectorIds);
            if (strategy is null)
            {
                continue;
            }

            result[entry.Name] = new SelectorConfig
            {
                Id = entry.Name,
                Strategy = strategy.Value,
                Targets = targets,
                Spillover = spillover,
                Name = selector.String(Keys.Name) ?? "",
                Description = selector.String(Keys.Description) ?? "",
                Metadata = ModelDecoder.Metadata(selector, Keys.Metadata),
                Unlisted = selector.Bool(Keys.Unlisted) ?? false,
            };
        }

        return result.ToImmutable();
    }

    private static SelectorStrategy? Strategy(Section selector)
    {
        var strategy = selector.String(Keys.Strategy)?.Trim();
        switch (strategy)
        {
            case null or "":
                selector.Error("strategy is required");
                return null;
            case "pin":
                return SelectorStrategy.Pin;
            case "warm":
                return SelectorStrategy.Warm;
            case "spillover":
                return SelectorStrategy.Spillover;
            default:
                selector.Error(Keys.Strategy, $"unknown strategy \"{strategy}\" (valid: warm, pin, spillover)");
                return null;
        }
    }

    private static int Spillover(Section settings, SelectorStrategy? strategy)
    {
        var value = settings.Int(Keys.Spillover) ?? DefaultSpillover;
        if (value < 1 && strategy == SelectorStrategy.Spillover)
        {
            settings.Error(Keys.Spillover, $"must be >= 1 (got {value})");
            return DefaultSpillover;
        }

        return value;
    }

    private static ImmutableArray<string> Targets(
        Section selector, SelectorStrategy? strategy, LlamaSwapConfig config, PeerModelIndex peers, HashSet<string> selectorIds)
    {
        var targets = selector.Strings(Keys.Targets) ?? [];
        if (targets.IsEmpty)
        {
            selector.Error(Keys.Targets, "targets must contain at least one entry");
            return [];
        }

        var resolvedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        var localIds = new List<string>();
        foreach (var (target, node, path) in targets)
        {
            var local = config.ResolveModelId(target);
            var remote = local is null ? peers.Resolve(target) : null;
            string? problem = null;
            if (local is null && selectorIds.Contains(target))
            {
                problem = $"target \"{target}\" is a selector: selector chaining is not supported";
            }
            else if (local is null && remote is null)
            {
                problem = $"references unknown model \"{target}\"";
            }
            else if (strategy == SelectorStrategy.Warm && local is null)
            {
                problem = $"target \"{target}\" must resolve to a local model for strategy \"warm\"";
            }
            else if (strategy == SelectorStrategy.Spillover && resolvedBy.TryGetValue(local ?? remote!, out var first))
            {
                problem = $"duplicate resolved model \"{local ?? remote}\" (targets \"{first}\" and \"{target}\")";
            }

            if (problem is not null)
            {
                selector.Diagnostics.Error(node, path, problem);
                continue;
            }

            resolvedBy[local ?? remote!] = target;
            if (local is not null)
            {
                localIds.Add(local);
            }
        }

        if (strategy == SelectorStrategy.Spillover && SpilloverCompatibility.Check(localIds, config.Routing) is { } conflict)
        {
            selector.Error(Keys.Targets, conflict);
        }

        return [.. targets.Select(t => t.Value)];
    }
}

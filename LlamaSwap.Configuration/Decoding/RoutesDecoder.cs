using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using LlamaSwap.Configuration.Validation;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>
/// <c>routes:</c>, <c>resilience:</c> and <c>endpointHealth:</c>, the routing beyond one model name. Every target
/// and fallback must be something a request can reach directly: a model id or alias, a peer model or a selector.
/// </summary>
internal static class RoutesDecoder
{
    private static readonly TimeSpan RegexCheckTimeout = TimeSpan.FromSeconds(1);

    public static ImmutableArray<RouteRuleConfig> Decode(Section root, LlamaSwapConfig config, PeerModelIndex peers)
    {
        if (root.Value(Keys.Routes) is not { } node)
            return [];
        if (node is not YamlSequence sequence)
        {
            root.Error(Keys.Routes, $"must be a list of rules (got {Values.Describe(node)})");
            return [];
        }

        var rules = ImmutableArray.CreateBuilder<RouteRuleConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sequence.Items.Length; i++)
        {
            var path = KeyPath.Index(root.PathOf(Keys.Routes), i);
            if (Section.Open(sequence.Items[i], path, sequence.Items[i].Start, root.Diagnostics, Keys.RouteKeys) is not { } rule)
                continue;
            var name = rule.String(Keys.Name)?.Trim() is { Length: > 0 } given ? given : path;
            if (!names.Add(name))
                rule.Error(Keys.Name, $"duplicate rule name \"{name}\"");

            bool Reachable(string target) =>
                config.ResolveModelId(target) is not null || peers.Resolve(target) is not null || config.Selectors.ContainsKey(target);

            var targets = Targets(rule, Reachable);
            var fallback = ImmutableArray.CreateBuilder<string>();
            foreach (var (value, valueNode, valuePath) in rule.Strings(Keys.Fallback) ?? [])
            {
                if (Reachable(value))
                    fallback.Add(value);
                else
                    rule.Diagnostics.Error(valueNode, valuePath, $"references unknown model \"{value}\"");
            }

            rules.Add(new RouteRuleConfig
            {
                Name = name,
                Match = Match(rule),
                Targets = targets,
                Fallback = fallback.ToImmutable(),
                Strategy = Strategy(rule),
                HideBackend = rule.Bool(Keys.HideBackend) ?? false,
            });
        }

        return rules.ToImmutable();
    }

    public static ResilienceConfig DecodeResilience(Section root)
    {
        var result = new ResilienceConfig();
        if (root.Child(Keys.Resilience, Keys.ResilienceKeys) is not { } section)
            return result;
        var retries = section.Int(Keys.Retries) ?? result.Retries;
        if (retries is < 0 or > 10)
        {
            section.Error(Keys.Retries, $"must be between 0 and 10 (got {retries})");
            retries = result.Retries;
        }

        result = result with { Retries = retries, RetryDelay = Duration(section, Keys.RetryDelay, result.RetryDelay, TimeSpan.Zero) };
        if (section.Child(Keys.Breaker, Keys.BreakerKeys) is not { } breaker)
            return result;

        var ratio = result.BreakerFailureRatio;
        if (breaker.String(Keys.FailureRatio) is { } text)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= 1)
                ratio = parsed;
            else
                breaker.Error(Keys.FailureRatio, $"must be a number above 0 and at most 1 (got \"{text}\")");
        }

        var throughput = breaker.Int(Keys.MinimumThroughput) ?? result.BreakerMinimumThroughput;
        if (throughput < 2)
        {
            breaker.Error(Keys.MinimumThroughput, $"must be at least 2 (got {throughput})");
            throughput = result.BreakerMinimumThroughput;
        }

        var halfSecond = TimeSpan.FromMilliseconds(500);
        return result with
        {
            BreakerFailureRatio = ratio,
            BreakerMinimumThroughput = throughput,
            BreakerSamplingDuration = Duration(breaker, Keys.SamplingDuration, result.BreakerSamplingDuration, halfSecond),
            BreakerBreakDuration = Duration(breaker, Keys.BreakDuration, result.BreakerBreakDuration, halfSecond),
        };
    }

    public static EndpointHealthConfig DecodeEndpointHealth(Section root)
    {
        var result = new EndpointHealthConfig();
        if (root.Child(Keys.EndpointHealth, Keys.EndpointHealthKeys) is not { } section)
            return result;
        var interval = Duration(section, Keys.Interval, result.Interval, TimeSpan.FromMilliseconds(100));
        var timeout = Duration(section, Keys.Timeout, result.Timeout, TimeSpan.FromMilliseconds(10));
        if (timeout > interval)
        {
            section.Error(Keys.Timeout, $"must not exceed the interval ({GoDuration.Format(interval)})");
            timeout = interval;
        }

        return result with { Interval = interval, Timeout = timeout };
    }

    private static ImmutableArray<RouteTarget> Targets(Section rule, Func<string, bool> reachable)
    {
        if (rule.Value(Keys.Targets) is not YamlSequence sequence || sequence.Items.IsEmpty)
        {
            rule.Error(Keys.Targets, "needs at least one target (a model name, or {model, weight})");
            return [];
        }

        var targets = ImmutableArray.CreateBuilder<RouteTarget>();
        for (var i = 0; i < sequence.Items.Length; i++)
        {
            var item = sequence.Items[i];
            var path = KeyPath.Index(rule.PathOf(Keys.Targets), i);
            string? model;
            var weight = 1;
            if (item is YamlMapping)
            {
                if (Section.Open(item, path, item.Start, rule.Diagnostics, Keys.RouteTargetKeys) is not { } target)
                    continue;
                model = target.String(Keys.ModelField);
                weight = target.Int(Keys.Weight) ?? 1;
                if (weight < 0)
                {
                    target.Error(Keys.Weight, $"must be >= 0 (got {weight})");
                    weight = 0;
                }
            }
            else
            {
                model = Values.String(item, path, rule.Diagnostics);
            }

            if (string.IsNullOrWhiteSpace(model))
            {
                rule.Diagnostics.Error(item, path, "a target needs a model name");
                continue;
            }

            if (!reachable(model))
            {
                rule.Diagnostics.Error(item, path, $"references unknown model \"{model}\"");
                continue;
            }

            targets.Add(new RouteTarget(model, weight));
        }

        if (targets.Count > 0 && targets.All(t => t.Weight == 0))
            rule.Error(Keys.Targets, "at least one target needs a weight above 0");
        return targets.ToImmutable();
    }

    private static RouteMatch Match(Section rule)
    {
        if (rule.Child(Keys.Match, Keys.RouteMatchKeys) is not { } match)
            return new RouteMatch();
        var headers = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        if (match.Child(Keys.Headers, knownKeys: null) is { } section)
        {
            foreach (var entry in section.Entries)
            {
                if (Values.String(entry.Value, section.PathOf(entry.Name), section.Diagnostics) is { } value)
                    headers[entry.Name] = value;
            }
        }

        return new RouteMatch
        {
            Model = match.String(Keys.ModelField),
            ModelPattern = Pattern(match, Keys.ModelPattern),
            Headers = headers.ToImmutable(),
            Path = match.String(Keys.Path),
            PathPattern = Pattern(match, Keys.PathPattern),
        };
    }

    private static string? Pattern(Section match, string key)
    {
        if (match.String(key) is not { } pattern)
            return null;
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, RegexCheckTimeout);
            return pattern;
        }
        catch (ArgumentException e)
        {
            match.Error(key, $"invalid regular expression: {e.Message}");
            return null;
        }
    }

    private static RouteStrategy Strategy(Section rule)
    {
        switch (rule.String(Keys.Strategy)?.Trim())
        {
            case null or "" or "weighted":
                return RouteStrategy.Weighted;
            case "least-loaded":
                return RouteStrategy.LeastLoaded;
            case var other:
                rule.Error(Keys.Strategy, $"unknown strategy \"{other}\" (valid: weighted, least-loaded)");
                return RouteStrategy.Weighted;
        }
    }

    private static TimeSpan Duration(Section section, string key, TimeSpan fallback, TimeSpan minimum)
    {
        if (section.String(key) is not { } text)
            return fallback;
        if (!GoDuration.TryParse(text, out var value))
        {
            section.Error(key, $"invalid duration \"{text}\" (use a Go duration such as 500ms, 5s or 1m)");
            return fallback;
        }

        if (value < minimum)
        {
            section.Error(key, $"must be at least {GoDuration.Format(minimum)} (got {text})");
            return fallback;
        }

        return value;
    }
}

using System.Collections.Immutable;
using System.Text.RegularExpressions;
using LlamaSwap.Configuration.Validation;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>Top-level scalar settings: timeouts, logging, store, UI, performance, ports, TTL defaults, API keys, upstream.</summary>
internal static class GlobalSettingsDecoder
{
    private const int MinHealthCheckTimeoutSeconds = 15;
    private const int DefaultMetricsMaxInMemory = 1000;
    private static readonly TimeSpan MinPerformanceEvery = TimeSpan.FromSeconds(5);

    private static readonly string[] LogTimeFormats =
    [
        "ansic", "unixdate", "rubydate", "rfc822", "rfc822z", "rfc850", "rfc1123", "rfc1123z", "rfc3339", "rfc3339nano",
        "kitchen", "stamp", "stampmilli", "stampmicro", "stampnano",
    ];

    public static LlamaSwapConfig Decode(Section root)
    {
        var config = new LlamaSwapConfig();

        if (root.Int(Keys.HealthCheckTimeout) is { } healthCheck)
        {
            config = config with { HealthCheckTimeout = TimeSpan.FromSeconds(Math.Max(healthCheck, MinHealthCheckTimeoutSeconds)) };
        }

        config = DecodeLogging(root, config);

        if (root.Int(Keys.MetricsMaxInMemory) is { } metricsMax)
        {
            config = config with { MetricsMaxInMemory = metricsMax <= 0 ? DefaultMetricsMaxInMemory : metricsMax };
        }

        if (root.Int(Keys.CaptureBuffer) is { } capture)
        {
            if (capture < 0)
            {
                root.Error(Keys.CaptureBuffer, $"must be >= 0 (got {capture})");
            }

            config = config with { CaptureBufferMb = Math.Max(capture, 0) };
        }

        config = DecodeStore(root, config);
        config = DecodeUi(root, config);
        config = DecodePerformance(root, config);

        if (root.Int(Keys.StartPort) is { } startPort)
        {
            if (startPort < 1)
            {
                root.Error(Keys.StartPort, $"must be >= 1 (got {startPort})");
            }

            config = config with { StartPort = startPort };
        }

        config = config with
        {
            SendLoadingState = root.Bool(Keys.SendLoadingState) ?? false,
            LoadingStateStyle = LoadingStyle(root) ?? LoadingStateStyle.Reasoning,
            IncludeAliasesInList = root.Bool(Keys.IncludeAliasesInList) ?? false,
        };

        if (root.Int(Keys.GlobalTtl) is { } globalTtl)
        {
            if (globalTtl < 0)
            {
                root.Error(Keys.GlobalTtl, $"must be >= 0 (got {globalTtl})");
            }

            config = config with { GlobalTtl = globalTtl > 0 ? TimeSpan.FromSeconds(globalTtl) : null };
        }

        if (root.Int(Keys.UnloadTimeout) is { } unload)
        {
            if (unload < 0)
            {
                root.Error(Keys.UnloadTimeout, $"must be >= 0 (got {unload})");
            }

            config = config with { UnloadTimeout = unload > 0 ? TimeSpan.FromSeconds(unload) : config.UnloadTimeout };
        }

        return config with { ApiKeys = ApiKeys(root), UpstreamIgnorePaths = IgnorePaths(root) ?? config.UpstreamIgnorePaths };
    }

    /// <summary>Reads a <c>loadingStateStyle</c> key (top level or per model).</summary>
    public static LoadingStateStyle? LoadingStyle(Section section) => section.String(Keys.LoadingStateStyle)?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "reasoning" => LoadingStateStyle.Reasoning,
        "comments" => LoadingStateStyle.Comments,
        var other => Invalid<LoadingStateStyle>(section, Keys.LoadingStateStyle, $"must be one of: reasoning, comments (got \"{other}\")"),
    };

    private static LlamaSwapConfig DecodeLogging(Section root, LlamaSwapConfig config)
    {
        if (root.String(Keys.LogLevel) is { } level)
        {
            var parsed = level.Trim().ToLowerInvariant() switch
            {
                "debug" => LogLevelSetting.Debug,
                "info" => LogLevelSetting.Info,
                "warn" => LogLevelSetting.Warn,
                "error" => LogLevelSetting.Error,
                _ => (LogLevelSetting?)null,
            };
            if (parsed is null)
            {
                root.Diagnostics.Warning(root.Value(Keys.LogLevel)!, root.PathOf(Keys.LogLevel),
                    $"unknown log level \"{level}\", using info (valid: debug, info, warn, error)");
            }

            config = config with { LogLevel = parsed ?? LogLevelSetting.Info };
        }

        if (root.String(Keys.LogTimeFormat) is { } timeFormat)
        {
            var name = timeFormat.Trim().ToLowerInvariant();
            if (name.Length > 0 && !LogTimeFormats.Contains(name))
            {
                root.Diagnostics.Warning(root.Value(Keys.LogTimeFormat)!, root.PathOf(Keys.LogTimeFormat),
                    $"unknown time format \"{timeFormat}\", timestamps disabled (valid: {string.Join(", ", LogTimeFormats)})");
                name = "";
            }

            config = config with { LogTimeFormat = name };
        }

        if (root.String(Keys.LogToStdout) is { } stdout)
        {
            var parsed = stdout.Trim().ToLowerInvariant() switch
            {
                "proxy" => LogToStdout.Proxy,
                "upstream" => LogToStdout.Upstream,
                "both" => LogToStdout.Both,
                "none" => LogToStdout.None,
                _ => (LogToStdout?)null,
            };
            if (parsed is null)
            {
                root.Error(Keys.LogToStdout, $"must be one of: proxy, upstream, both, none (got \"{stdout}\")");
            }

            config = config with { LogToStdout = parsed ?? LogToStdout.Proxy };
        }

        if (root.Entry(Keys.LogRequests) is { } logRequests)
        {
            root.Diagnostics.Warning(logRequests.Key, root.PathOf(Keys.LogRequests), "logRequests is deprecated and ignored");
        }

        return config;
    }

    private static LlamaSwapConfig DecodeStore(Section root, LlamaSwapConfig config)
    {
        if (root.Entry(Keys.Store) is null || root.Child(Keys.Store, Keys.StoreKeys) is not { } store)
        {
            return config;
        }

        var path = store.String(Keys.Path) ?? "";
        if (StorePathValidator.Check(path) is { } problem)
        {
            store.Error(Keys.Path, problem);
            return config;
        }

        return config with { StorePath = path };
    }

    private static LlamaSwapConfig DecodeUi(Section root, LlamaSwapConfig config)
    {
        if (root.Child(Keys.Ui, Keys.UiKeys)?.Child(Keys.Activity, Keys.UiActivityKeys)?.Strings(Keys.SessionId) is not { } headers)
        {
            return config;
        }

        var normalised = new List<string>();
        foreach (var (value, _, _) in headers)
        {
            var name = value.Trim();
            if (name.Length > 0 && !normalised.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                normalised.Add(name);
            }
        }

        return config with { UiSessionIdHeaders = [.. normalised] };
    }

    private static LlamaSwapConfig DecodePerformance(Section root, LlamaSwapConfig config)
    {
        if (root.Child(Keys.Performance, Keys.PerformanceKeys) is not { } performance)
        {
            return config;
        }

        var result = config.Performance with { Disabled = performance.Bool(Keys.Disabled) ?? false };
        if (performance.String(Keys.Every) is { } every)
        {
            if (!GoDuration.TryParse(every, out var interval))
            {
                performance.Error(Keys.Every, $"invalid duration \"{every}\" (use a Go duration such as 5s, 30s or 1m30s)");
            }
            else if (interval < MinPerformanceEvery)
            {
                performance.Error(Keys.Every, $"must be at least 5s, got {every}");
            }
            else
            {
                result = result with { Every = interval };
            }
        }

        return config with { Performance = result };
    }

    private static ImmutableArray<string> ApiKeys(Section root)
    {
        var keys = ImmutableArray.CreateBuilder<string>();
        foreach (var (key, node, path) in root.Strings(Keys.ApiKeys) ?? [])
        {
            if (key.Length == 0)
            {
                root.Diagnostics.Error(node, path, "empty api key found in apiKeys");
            }
            else if (key.Any(char.IsWhiteSpace))
            {
                root.Diagnostics.Error(node, path, "api key cannot contain spaces");
            }
            else
            {
                keys.Add(key);
            }
        }

        return keys.ToImmutable();
    }

    private static ImmutableArray<string>? IgnorePaths(Section root)
    {
        if (root.Child(Keys.Upstream, Keys.UpstreamKeys)?.Strings(Keys.IgnorePaths) is not { Length: > 0 } patterns)
        {
            return null;
        }

        foreach (var (pattern, node, path) in patterns)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                root.Diagnostics.Error(node, path, $"invalid regular expression \"{pattern}\": {e.Message}");
            }
        }

        return [.. patterns.Select(p => p.Value)];
    }

    private static T? Invalid<T>(Section section, string key, string message)
        where T : struct
    {
        section.Error(key, message);
        return null;
    }
}

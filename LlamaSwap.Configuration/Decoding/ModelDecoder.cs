using LlamaSwap.Configuration.Validation;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>One <c>models.&lt;id&gt;</c> entry (already macro-expanded) into a <see cref="ModelConfig"/> with effective values.</summary>
internal static class ModelDecoder
{
    /// <summary>The ComfyUI integration's model id: it gets a higher concurrency floor and always bypasses websockets.</summary>
    public const string ComfyUiModelId = "comfyui_auto";

    private const int DefaultConcurrencyLimit = 10;
    private const int ComfyUiMinConcurrency = 50;
    private const int TtlUseGlobal = -1;
    private const string NoHealthCheck = "none";

    public static ModelConfig? Decode(YamlEntry entry, Section models, LlamaSwapConfig globals, int? port)
    {
        var id = entry.Name;
        if (Section.Open(entry.Value, models.PathOf(id), entry.Key.Start, models.Diagnostics, Keys.Model) is not { } model)
        {
            return null;
        }

        if (model.Entry(Keys.HealthCheckTimeout) is { } ignored)
        {
            model.Diagnostics.Warning(ignored.Key, model.PathOf(Keys.HealthCheckTimeout),
                "healthCheckTimeout is a top-level setting; the per-model value is ignored");
        }

        // No cmd and no URL is reported where ${PORT} is allocated: the default proxy has no port to use.
        var cmd = model.String(Keys.Cmd) ?? "";
        if (model.Has(Keys.Endpoint))
        {
            // Without a proxy key the endpoint was copied into it; two different URLs leave the intent unclear.
            if (model.String(Keys.Endpoint) != model.String(Keys.Proxy))
                model.Error(Keys.Endpoint, "give either endpoint or proxy, not both");
            if (cmd.Trim().Length > 0)
                model.Error(Keys.Endpoint, "an endpoint model has no cmd (use proxy: for the URL of a server cmd starts)");
        }

        var apiKey = (model.String(Keys.ApiKey) ?? "").Trim();
        if (apiKey.Length > 0 && cmd.Trim().Length > 0)
        {
            model.Error(Keys.ApiKey, "only an endpoint model (a URL, no cmd) takes an apiKey");
        }

        var concurrency = model.Int(Keys.ConcurrencyLimit) ?? 0;
        if (concurrency < 0)
        {
            model.Error(Keys.ConcurrencyLimit, $"must be >= 0 (got {concurrency}; 0 uses the default of {DefaultConcurrencyLimit})");
        }

        concurrency = concurrency <= 0 ? DefaultConcurrencyLimit : concurrency;
        var isComfyUi = id == ComfyUiModelId;
        var checkEndpoint = model.String(Keys.CheckEndpoint) ?? "/health";

        return new ModelConfig
        {
            Id = id,
            Cmd = cmd.Trim().Length == 0 ? "" : cmd,
            CmdStop = model.String(Keys.CmdStop) ?? "",
            ApiKey = apiKey,
            Proxy = Proxy(model),
            CheckEndpoint = checkEndpoint.Trim() == NoHealthCheck ? NoHealthCheck : checkEndpoint,
            Env = [.. (model.Strings(Keys.Env) ?? []).Select(e => e.Value)],
            Ttl = Ttl(model, globals),
            UnloadTimeout = UnloadTimeout(model, globals),
            HealthCheckTimeout = globals.HealthCheckTimeout,
            Aliases = [.. (model.Strings(Keys.Aliases) ?? []).Select(a => a.Value)],
            UseModelName = model.String(Keys.UseModelName) ?? "",
            Unlisted = model.Bool(Keys.Unlisted) ?? false,
            Name = (model.String(Keys.Name) ?? "").Trim(),
            Description = (model.String(Keys.Description) ?? "").Trim(),
            Metadata = Metadata(model, Keys.Metadata),
            Filters = FiltersDecoder.Decode(model, allowById: true),
            ConcurrencyLimit = isComfyUi ? Math.Max(concurrency, ComfyUiMinConcurrency) : concurrency,
            SendLoadingState = model.Bool(Keys.SendLoadingState) ?? globals.SendLoadingState,
            LoadingStateStyle = GlobalSettingsDecoder.LoadingStyle(model) ?? globals.LoadingStateStyle,
            Timeouts = TimeoutsDecoder.Decode(model, new UpstreamTimeouts()),
            Capabilities = CapabilitiesDecoder.Decode(model),
            IgnoreWebsockets = isComfyUi || (model.Child(Keys.Compat, Keys.CompatKeys)?.Bool(Keys.IgnoreWebsockets) ?? false),
            Port = port,
        };
    }

    /// <summary>A mapping converted to a JSON object; absent means an empty object.</summary>
    public static System.Text.Json.JsonElement Metadata(Section section, string key)
    {
        if (section.Value(key) is not { } node)
        {
            return EmptyJson.Object;
        }

        if (node is not YamlMapping)
        {
            section.Error(key, $"must be a mapping (got {Values.Describe(node)})");
            return EmptyJson.Object;
        }

        return YamlJson.ToJson(node);
    }

    private static string Proxy(Section model)
    {
        var proxy = model.String(Keys.Proxy) ?? "";
        // A leftover macro was already reported; a second error about the same text would only add noise.
        if (!UrlRules.IsHttpUrl(proxy) && !proxy.Contains("${", StringComparison.Ordinal))
        {
            model.Error(Keys.Proxy, $"invalid proxy URL: \"{proxy}\" (need an absolute http:// or https:// URL)");
        }

        return proxy;
    }

    private static TimeSpan? Ttl(Section model, LlamaSwapConfig globals)
    {
        var ttl = model.Int(Keys.Ttl) ?? TtlUseGlobal;
        if (ttl < TtlUseGlobal)
        {
            model.Error(Keys.Ttl, $"invalid TTL value {ttl}: must be >= -1 (-1 uses globalTTL, 0 never unloads)");
            return globals.GlobalTtl;
        }

        return ttl switch
        {
            TtlUseGlobal => globals.GlobalTtl,
            0 => null,
            _ => TimeSpan.FromSeconds(ttl),
        };
    }

    private static TimeSpan UnloadTimeout(Section model, LlamaSwapConfig globals)
    {
        var seconds = model.Int(Keys.UnloadTimeout) ?? 0;
        if (seconds < 0)
        {
            model.Error(Keys.UnloadTimeout, $"invalid unloadTimeout value {seconds}: must be >= 0 (0 uses the global unloadTimeout)");
        }

        return seconds > 0 ? TimeSpan.FromSeconds(seconds) : globals.UnloadTimeout;
    }
}

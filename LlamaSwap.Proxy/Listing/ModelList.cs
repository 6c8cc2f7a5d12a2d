using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Backends;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Listing;

/// <summary>
/// The OpenAI-style model list of <c>/v1/models</c>: listed local models (and their aliases when
/// <c>includeAliasesInList</c>), peer models as <c>peer/model</c>, listed selectors, and the active profile's
/// pins that name nothing else. Sorted by id; state comes from the Supervisor's latest snapshot.
/// </summary>
internal static class ModelList
{
    public const string OwnedBy = "llama-swap";
    public const string Loaded = "loaded";
    public const string Unloaded = "unloaded";

    /// <param name="endpointHealth">The health of endpoint models (a URL, no cmd); they count as loaded while healthy.</param>
    public static JsonObject Build(LlamaSwapConfig config, StateSnapshot? snapshot, string? activeProfile, long created,
        Func<string, EndpointHealth>? endpointHealth = null)
    {
        var states = ModelStates.ById(snapshot);
        var records = new List<JsonObject>();

        foreach (var model in config.Models.Values.Where(m => !m.Unlisted))
        {
            var health = model.IsEndpoint ? endpointHealth?.Invoke(model.Id) ?? EndpointHealth.Unchecked : null;
            var loaded = health?.Healthy ?? ModelStates.IsRunning(ModelStates.Of(states, model.Id));
            var capabilities = CapabilityRendering.From(model.Capabilities);
            var metadata = Metadata(model.Metadata, dropOwnedKeys: !model.Capabilities.IsEmpty);

            var own = Clone(metadata);
            own["type"] = health is null ? "model" : "endpoint";
            if (health is not null)
            {
                own["healthy"] = health.Healthy;
                own["healthCheckMs"] = Math.Round(health.LatencyMs, 3);
                if (health.LastError is { } error)
                    own["healthError"] = error;
            }

            if (!model.Aliases.IsEmpty)
                own["aliases"] = new JsonArray([.. model.Aliases.Select(a => (JsonNode)a)]);
            records.Add(LocalRecord(model.Id, model, capabilities, own, loaded, created));

            if (!config.IncludeAliasesInList)
                continue;
            foreach (var alias in model.Aliases.Where(a => a.Trim().Length > 0))
            {
                var aliasMeta = Clone(metadata);
                aliasMeta["type"] = "alias";
                aliasMeta["modelID"] = model.Id;
                records.Add(LocalRecord(alias.Trim(), model, capabilities, aliasMeta, loaded, created));
            }
        }

        foreach (var peer in config.Peers.Values)
        {
            foreach (var name in peer.Models)
            {
                var record = Record($"{peer.Id}/{name}", $"{peer.Id}: {name}", "", created);
                record["meta"] = new JsonObject { ["llamaswap"] = new JsonObject { ["type"] = "peer", ["peerID"] = peer.Id } };
                record["status"] = Status(false);
                records.Add(record);
            }
        }

        foreach (var selector in config.Selectors.Values.Where(s => !s.Unlisted))
        {
            var meta = Metadata(selector.Metadata, dropOwnedKeys: false);
            meta["type"] = "selector";
            meta["strategy"] = StrategyName(selector.Strategy);
            meta["targets"] = new JsonArray([.. selector.Targets.Select(t => (JsonNode)t)]);
            if (selector.Strategy == SelectorStrategy.Spillover)
                meta["spillover"] = selector.Spillover;

            var record = Record(selector.Id, selector.Name, selector.Description, created);
            record["meta"] = new JsonObject { ["llamaswap"] = meta };
            record["status"] = Status(SelectorLoaded(config, selector, states));
            records.Add(record);
        }

        // A rule's virtual name (`auto`) is something clients can ask for, so they must be able to pick it.
        foreach (var rule in config.Routes)
        {
            if (rule.Match.Model is not { } name || NamesSomethingElse(config, name) || records.Any(r => (string?)r["id"] == name))
                continue;
            var record = Record(name, "", "", created);
            record["meta"] = new JsonObject
            {
                ["llamaswap"] = new JsonObject
                {
                    ["type"] = "route",
                    ["rule"] = rule.Name,
                    ["targets"] = new JsonArray([.. rule.Targets.Select(t => (JsonNode)t.Model)]),
                },
            };
            record["status"] = Status(false);
            records.Add(record);
        }

        if (activeProfile is not null && config.Profiles.TryGetValue(activeProfile, out var profile))
        {
            foreach (var (pin, target) in profile.Pins)
            {
                if (target.Length == 0 || NamesSomethingElse(config, pin))
                    continue;
                var record = Record(pin, "", "", created);
                record["meta"] = new JsonObject { ["llamaswap"] = new JsonObject { ["type"] = "profile" } };
                record["status"] = Status(false);
                records.Add(record);
            }
        }

        records.Sort((a, b) => string.CompareOrdinal((string?)a["id"], (string?)b["id"]));
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. records]),
        };
    }

    private static JsonObject LocalRecord(string id, ModelConfig model, CapabilityRendering capabilities, JsonObject llamaswapMeta, bool loaded, long created)
    {
        var record = Record(id, model.Name, model.Description, created);
        capabilities.WriteTo(record);
        var meta = new JsonObject { ["llamaswap"] = llamaswapMeta };
        if (capabilities.ContextLength is { } context)
            meta["n_ctx"] = context;
        record["meta"] = meta;
        record["status"] = Status(loaded);
        return record;
    }

    private static JsonObject Record(string id, string name, string description, long created)
    {
        var record = new JsonObject
        {
            ["id"] = id,
            ["object"] = "model",
            ["created"] = created,
            ["owned_by"] = OwnedBy,
        };
        if (name.Trim() is { Length: > 0 } trimmedName)
            record["name"] = trimmedName;
        if (description.Trim() is { Length: > 0 } trimmedDescription)
            record["description"] = trimmedDescription;
        return record;
    }

    private static JsonObject Status(bool loaded) => new() { ["value"] = loaded ? Loaded : Unloaded };

    private static JsonObject Metadata(JsonElement metadata, bool dropOwnedKeys)
    {
        var result = metadata.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(metadata.Clone()) ?? []
            : [];
        if (dropOwnedKeys)
        {
            foreach (var key in CapabilityRendering.OwnedKeys)
                result.Remove(key);
        }

        return result;
    }

    private static JsonObject Clone(JsonObject source) => (JsonObject)source.DeepClone();

    internal static string StrategyName(SelectorStrategy strategy) => strategy switch
    {
        SelectorStrategy.Warm => "warm",
        SelectorStrategy.Spillover => "spillover",
        _ => "pin",
    };

    // A pin selector is loaded when its first target is; the others when any target is starting or ready.
    private static bool SelectorLoaded(LlamaSwapConfig config, SelectorConfig selector, IReadOnlyDictionary<string, ModelState> states)
    {
        var targets = selector.Strategy == SelectorStrategy.Pin ? selector.Targets.Take(1) : selector.Targets;
        return targets.Any(target => config.ResolveModelId(target) is { } id
            && ModelStates.Of(states, id) is ModelState.Starting or ModelState.Ready);
    }

    private static bool NamesSomethingElse(LlamaSwapConfig config, string name) =>
        config.ResolveModelId(name) is not null || config.Selectors.ContainsKey(name) || IsPeerModelName(config, name);

    /// <summary>A peer model's bare name or its <c>peer/model</c> full name.</summary>
    internal static bool IsPeerModelName(LlamaSwapConfig config, string name) =>
        config.Peers.Values.Any(peer => peer.Models.Contains(name)
            || (name.StartsWith(peer.Id + "/", StringComparison.Ordinal) && peer.Models.Contains(name[(peer.Id.Length + 1)..])));
}

using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Backends;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Listing;

/// <summary>
/// The <c>modelStatus</c> payload of <c>/api/events</c>: every configured local model sorted by id with its
/// state (<c>stopped</c> until the Supervisor reports otherwise; an endpoint model is <c>ready</c> while it passes
/// its health checks), then every peer model as <c>peer/model</c>. LlamaSwap adds each local model's configured
/// <c>ttl</c> and, while the idle clock runs, <c>ttlRemaining</c> (seconds, rounded up).
/// Profile pins and selectors are not part of it (as in llama-swap).
/// </summary>
internal static class ModelStatusList
{
    public static IReadOnlyList<ModelStatusEntry> Build(LlamaSwapConfig config, StateSnapshot? snapshot, Func<string, EndpointHealth>? endpointHealth = null)
    {
        var states = ModelStates.ById(snapshot);
        var remaining = snapshot?.Models.Where(m => m.TtlRemaining is not null)
            .ToDictionary(m => m.ModelId, m => (int)Math.Ceiling(m.TtlRemaining.ToTimeSpan().TotalSeconds), StringComparer.Ordinal);
        var entries = new List<ModelStatusEntry>();
        foreach (var model in config.Models.Values)
        {
            var capabilities = CapabilityRendering.From(model.Capabilities);
            int? ttl = model.Ttl is { } idle && !model.IsEndpoint ? (int)idle.TotalSeconds : null;
            entries.Add(new ModelStatusEntry(
                model.Id,
                model.Name,
                model.Description,
                model.IsEndpoint
                    ? ModelStates.Name((endpointHealth?.Invoke(model.Id) ?? EndpointHealth.Unchecked).Healthy ? ModelState.Ready : ModelState.Stopped)
                    : ModelStates.Name(ModelStates.Of(states, model.Id)),
                model.Unlisted,
                "",
                model.Aliases.IsEmpty ? null : model.Aliases,
                capabilities.Flags,
                capabilities.ContextLength,
                ttl,
                remaining is not null && remaining.TryGetValue(model.Id, out var left) ? left : null));
        }

        foreach (var peer in config.Peers.Values)
        {
            foreach (var name in peer.Models)
                entries.Add(new ModelStatusEntry($"{peer.Id}/{name}", "", "", "", false, peer.Id, null, null, null, null, null));
        }

        return entries;
    }
}

internal sealed record ModelStatusEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("unlisted")] bool Unlisted,
    [property: JsonPropertyName("peerID")] string PeerId,
    [property: JsonPropertyName("aliases"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ImmutableArray<string>? Aliases,
    [property: JsonPropertyName("capabilities"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Capabilities,
    [property: JsonPropertyName("context_length"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ContextLength,
    [property: JsonPropertyName("ttl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Ttl,
    [property: JsonPropertyName("ttlRemaining"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TtlRemaining);

using System.Text.Json.Serialization;
using LlamaSwap.Configuration;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Listing;

/// <summary>
/// <c>/running</c>: every model the Supervisor reports as starting, ready or stopping, sorted by id, with the
/// command and proxy URL after macro expansion and the TTL in seconds (0 = never unloads).
/// </summary>
internal static class RunningList
{
    public static RunningResponse Build(LlamaSwapConfig config, StateSnapshot? snapshot)
    {
        var running = new List<RunningModel>();
        foreach (var status in snapshot?.Models ?? [])
        {
            if (!ModelStates.IsRunning(status.State))
                continue;
            config.Models.TryGetValue(status.ModelId, out var model);
            running.Add(new RunningModel(
                status.ModelId,
                ModelStates.Name(status.State),
                model?.Cmd ?? "",
                model?.Proxy ?? status.UpstreamBaseUrl,
                model?.Ttl is { } ttl ? (long)ttl.TotalSeconds : 0,
                model?.Name ?? "",
                model?.Description ?? ""));
        }

        running.Sort((a, b) => string.CompareOrdinal(a.Model, b.Model));
        return new RunningResponse(running);
    }
}

internal sealed record RunningResponse([property: JsonPropertyName("running")] IReadOnlyList<RunningModel> Running);

internal sealed record RunningModel(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("cmd")] string Cmd,
    [property: JsonPropertyName("proxy")] string Proxy,
    [property: JsonPropertyName("ttl")] long Ttl,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description);

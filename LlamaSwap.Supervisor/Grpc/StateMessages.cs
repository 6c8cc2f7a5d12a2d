using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Configuration;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Scheduling;
using ModelState = LlamaSwap.Supervisor.Scheduling.ModelState;
using WireModelState = LlamaSwap.Rpc.Supervisor.V1.ModelState;

namespace LlamaSwap.Supervisor.Grpc;

/// <summary>The scheduler's snapshots as the contract's messages.</summary>
internal static class StateMessages
{
    public static StateSnapshot Snapshot(SchedulerSnapshot snapshot, LlamaSwapConfig config, ulong generation, HostIdentity host, DateTimeOffset now)
    {
        var message = new StateSnapshot
        {
            Host = host,
            ConfigGeneration = generation,
            TakenAt = Timestamp.FromDateTimeOffset(snapshot.At),
        };
        message.Models.AddRange(snapshot.Models
            .OrderBy(m => m.ModelId, StringComparer.Ordinal)
            .Select(m => Model(m, config, now)));
        return message;
    }

    /// <summary>
    /// One model. The TTL countdown is computed at <paramref name="now"/>, not when the scheduler published the
    /// snapshot (snapshots are published on changes only).
    /// </summary>
    public static ModelStatus Model(ModelSnapshot model, LlamaSwapConfig config, DateTimeOffset now)
    {
        var url = model.State == ModelState.Stopped ? "" : config.Models.GetValueOrDefault(model.ModelId)?.Proxy ?? "";
        var status = new ModelStatus
        {
            ModelId = model.ModelId,
            State = State(model.State),
            Pid = model.Pid ?? 0,
            Port = model.Port ?? PortOf(config.Models.GetValueOrDefault(model.ModelId)?.Proxy),
            UpstreamBaseUrl = url,
            InFlightLeases = (uint)model.Leases,
            Queued = (uint)model.Waiting,
        };
        if (model.State == ModelState.Ready && model.Leases == 0 && model.TtlExpiresAt is { } expires)
            status.TtlRemaining = Duration.FromTimeSpan(expires > now ? expires - now : TimeSpan.Zero);
        if (model.LastUsed is { } lastUsed)
            status.LastUsed = Timestamp.FromDateTimeOffset(lastUsed);
        return status;
    }

    public static WireModelState State(ModelState state) => state switch
    {
        ModelState.Stopped => WireModelState.Stopped,
        ModelState.Starting => WireModelState.Starting,
        ModelState.Ready => WireModelState.Ready,
        ModelState.Stopping => WireModelState.Stopping,
        _ => WireModelState.Unspecified,
    };

    /// <summary>The port of an upstream URL (its scheme's default when it names none); 0 when it does not parse.</summary>
    public static int PortOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : 0;
}

using LlamaSwap.Configuration;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// Equal when a running process started from one configuration is exactly what the other would start,
/// so a reload may keep it. Record equality cannot tell: <c>ImmutableArray</c> and <c>JsonElement</c>
/// members compare by reference, and most fields (TTL, filters, metadata…) do not touch the process.
/// </summary>
internal sealed class ProcessSettingsComparer : IEqualityComparer<ModelConfig>
{
    public static ProcessSettingsComparer Instance { get; } = new();

    public bool Equals(ModelConfig? x, ModelConfig? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null
            && x.Id == y.Id
            && x.Cmd == y.Cmd
            && x.CmdStop == y.CmdStop
            && x.Proxy == y.Proxy
            && x.CheckEndpoint == y.CheckEndpoint
            && x.Port == y.Port
            && x.Env.AsSpan().SequenceEqual(y.Env.AsSpan()));

    public int GetHashCode(ModelConfig obj) => HashCode.Combine(obj.Id, obj.Cmd, obj.Proxy, obj.Port);
}

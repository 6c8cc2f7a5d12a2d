using LlamaSwap.Rpc.Supervisor.V1;
using Microsoft.Extensions.Configuration;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>Which Supervisor this is, as every reply of the contract names it.</summary>
internal sealed record SupervisorIdentity(string HostId, string HostName)
{
    public static SupervisorIdentity From(IConfiguration configuration)
    {
        var hostId = NonBlank(configuration[SupervisorSettings.HostIdKey]) ?? Environment.MachineName;
        var hostName = NonBlank(configuration[SupervisorSettings.HostNameKey]) ?? Environment.MachineName;
        return new SupervisorIdentity(hostId, hostName);
    }

    public HostIdentity ToMessage() => new() { HostId = HostId, HostName = HostName };

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

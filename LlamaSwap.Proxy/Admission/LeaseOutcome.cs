using LlamaSwap.Proxy.Errors;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Admission;

/// <summary>Either a held lease or the error to answer with (null error and lease: the client left).</summary>
internal readonly record struct LeaseOutcome(SupervisorLease? Lease, ProxyError? Error)
{
    public bool ClientGone => Lease is null && Error is null;
}

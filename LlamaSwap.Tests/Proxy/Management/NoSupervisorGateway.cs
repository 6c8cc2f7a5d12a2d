using System.Runtime.CompilerServices;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>For unit tests that never reach the Supervisor: no snapshot, and a client nothing calls.</summary>
internal sealed class NoSupervisorGateway : ISupervisorGateway
{
    public SupervisorClient Client { get; } = new(new GrpcChannel(new HttpClient(), new Uri("http://127.0.0.1:9")));

    public StateSnapshot? Latest { get; set; }

    public async IAsyncEnumerable<StateSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}

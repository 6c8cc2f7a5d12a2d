using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Supervision;

/// <summary>
/// The Proxy's one connection to the Supervisor: the typed client for leases and commands, and a
/// cached view of model states kept current through <c>WatchState</c> (reconnecting when the
/// Supervisor restarts).
/// </summary>
public interface ISupervisorGateway
{
    SupervisorClient Client { get; }

    /// <summary>The latest snapshot received; null until the first one arrives.</summary>
    StateSnapshot? Latest { get; }

    /// <summary>The latest snapshot (when there is one), then each new one, until cancelled.</summary>
    IAsyncEnumerable<StateSnapshot> WatchAsync(CancellationToken cancellationToken);
}

using LlamaSwap.Rpc.Client;

namespace LlamaSwap.Rpc.Supervisor.V1;

/// <summary>
/// A held lease on a ready upstream: the open Acquire call. Forward the request to
/// <see cref="Ready"/>'s URL while it is held; dispose to release. If the Supervisor ends
/// the lease first (hard unload, shutdown, lost connection), <see cref="Revoked"/> fires
/// and <see cref="EndStatus"/> says why.
/// </summary>
public sealed class SupervisorLease : IAsyncDisposable
{
    private readonly ServerStreamingCall<AcquireEvent> _call;
    // Plain sources (no timers, no links) need no disposal; keeping them undisposed keeps
    // Revoked usable after the lease is released.
    private readonly CancellationTokenSource _revoked = new();
    private readonly Task _watch;
    private volatile bool _released;

    internal SupervisorLease(ServerStreamingCall<AcquireEvent> call, AcquireEvent.Types.Ready ready)
    {
        _call = call;
        Ready = ready;
        _watch = WatchAsync();
    }

    public AcquireEvent.Types.Ready Ready { get; }

    /// <summary>Fires when the lease ended from the Supervisor's side while held; never on release.</summary>
    public CancellationToken Revoked => _revoked.Token;

    /// <summary>How the Supervisor's side ended the lease; null while held or after a release.</summary>
    public Status? EndStatus { get; private set; }

    /// <summary>Releases the lease: ends the Acquire call, which the Supervisor sees at once.</summary>
    public async ValueTask DisposeAsync()
    {
        // The pending read returns without an exception (a release happens once per proxied request, so it must
        // be cheap); then disposing the call resets the stream, which the Supervisor sees as the release.
        _released = true;
        _call.Release();
        await _watch;
        await _call.DisposeAsync();
    }

    private async Task WatchAsync()
    {
        try
        {
            // The contract sends nothing after Ready; anything a newer Supervisor adds is ignored.
            while (await _call.MoveNextAsync())
            {
            }

            if (_released)
            {
                return;
            }

            EndStatus = new Status(StatusCode.OK, "The Supervisor ended the lease.");
        }
        catch (RpcException ex)
        {
            if (_released)
            {
                return;
            }

            EndStatus = ex.Status;
        }

        await _revoked.CancelAsync();
    }
}

using System.Runtime.InteropServices;
using LlamaSwap.Simulator.Http;
using LlamaSwap.Simulator.Options;

namespace LlamaSwap.Simulator.Lifecycle;

/// <summary>
/// Replaces the host's console lifetime so SIGTERM does what <c>--sigterm</c> says: the console lifetime
/// would always stop the host, which makes an "ignores SIGTERM" upstream impossible to imitate.
/// SIGINT and SIGQUIT always stop the server, so it can be interrupted from a terminal.
/// </summary>
internal sealed class SignalLifetime(IHostApplicationLifetime lifetime, SigtermBehaviour sigterm, TimeProvider time, SimulatorLog log)
    : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private ITimer? _delayedStop;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnStopSignal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _delayedStop?.Dispose();
    }

    private void OnStopSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        log.Important($"{context.Signal} received, shutting down");
        lifetime.StopApplication();
    }

    private void OnSigterm(PosixSignalContext context)
    {
        context.Cancel = true;
        switch (sigterm.Action)
        {
            case SigtermAction.Ignore:
                log.Important("SIGTERM received and ignored (--sigterm ignore); only SIGKILL stops this process");
                break;
            case SigtermAction.Delay when _delayedStop is null:
                log.Important($"SIGTERM received, shutting down in {DurationParser.Format(sigterm.Delay)}");
                _delayedStop = time.CreateTimer(_ => lifetime.StopApplication(), null, sigterm.Delay, Timeout.InfiniteTimeSpan);
                break;
            case SigtermAction.Delay:
                log.Important("SIGTERM received again, shutdown already scheduled");
                break;
            default:
                log.Important("SIGTERM received, shutting down");
                lifetime.StopApplication();
                break;
        }
    }
}

using System.Diagnostics;
using LlamaSwap.Simulator.Http;
using LlamaSwap.Simulator.Options;

namespace LlamaSwap.Simulator.Lifecycle;

/// <summary>
/// The <c>crash-after:N</c> failure mode: once any response has delivered N tokens the process kills itself
/// with SIGKILL. No shutdown code runs and open connections are reset, as when an inference server segfaults
/// or is OOM-killed; a parent sees the exit status of a SIGKILL (137).
/// </summary>
internal sealed class CrashSwitch(FailureMode failure, SimulatorLog log)
{
    private readonly int _crashAfter = failure is FailureMode.CrashAfterTokens crash ? crash.Tokens : 0;

    public void OnTokenEmitted(int emittedInThisResponse)
    {
        if (_crashAfter == 0 || emittedInThisResponse < _crashAfter)
            return;
        log.Important($"simulated crash after {emittedInThisResponse} tokens: killing process {Environment.ProcessId}");
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }
}

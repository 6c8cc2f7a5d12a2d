using System.Globalization;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Lifecycle;

/// <summary>Logs <c>loading... Ns remaining</c> once a second while loading, then <c>model loaded</c>.</summary>
internal sealed class LoadProgressReporter(LoadGate gate, TimeProvider time, SimulatorLog log)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(1);

    public async Task RunAsync(CancellationToken stopping)
    {
        if (gate.NeverLoads)
        {
            log.Important("unhealthy: the model never finishes loading; /health keeps answering 503 (--fail unhealthy)");
            return;
        }

        try
        {
            // The schedule is fixed in advance (one line per whole second of load time) so timer jitter
            // can neither repeat nor skip a line.
            for (var remaining = gate.LoadTime; remaining > TimeSpan.Zero; remaining -= Interval)
            {
                log.Info(string.Create(CultureInfo.InvariantCulture, $"loading... {Math.Ceiling(remaining.TotalSeconds)}s remaining"));
                var nextLine = gate.LoadTime - remaining + Interval;
                await DelayUntilAsync(nextLine < gate.LoadTime ? nextLine : gate.LoadTime, stopping);
            }

            while (!gate.IsLoaded)
                await Task.Delay(gate.Remaining + TimerSlack, time, stopping);
            log.Info("model loaded");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down while loading: nothing more to report.
        }
    }

    private Task DelayUntilAsync(TimeSpan sinceListening, CancellationToken stopping)
    {
        var wait = gate.Remaining - (gate.LoadTime - sinceListening);
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, stopping) : Task.CompletedTask;
    }
}

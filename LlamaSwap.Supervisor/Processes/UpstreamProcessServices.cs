using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Processes.Leftovers;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>What every <see cref="UpstreamProcess"/> shares; built once by the composition root.</summary>
/// <param name="SplitCommand">Turns <c>cmd</c> / <c>cmdStop</c> into argv (the configuration's splitter).</param>
internal sealed record UpstreamProcessServices(
    UpstreamProcessOptions Options,
    IProcessLauncher Launcher,
    UpstreamLogHub Logs,
    RunningUpstreamRegistry Registry,
    UpstreamReadinessProbe Readiness,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    Func<string, IReadOnlyList<string>> SplitCommand);

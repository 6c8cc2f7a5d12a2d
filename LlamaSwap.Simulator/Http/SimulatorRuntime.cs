using System.Globalization;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Lifecycle;
using LlamaSwap.Simulator.Options;

namespace LlamaSwap.Simulator.Http;

/// <summary>The process-wide pieces every endpoint needs, built once at startup.</summary>
internal sealed class SimulatorRuntime(
    SimulatorOptions options,
    SimulatorIdentity identity,
    SimulatorLog log,
    LoadGate loadGate,
    TimeProvider time,
    CancellationToken stopping)
{
    private long _lastId;

    public SimulatorOptions Options => options;

    public SimulatorIdentity Identity => identity;

    public SimulatorLog Log => log;

    public LoadGate LoadGate => loadGate;

    public TimeProvider Time => time;

    /// <summary>Signalled when the server shuts down; cancels every request in progress.</summary>
    public CancellationToken Stopping => stopping;

    public ResponseText Text { get; } = ResponseText.Create(options.Response);

    public TokenPacer Pacer { get; } = new(time, options.TokensPerSecond);

    public CrashSwitch Crash { get; } = new(options.Failure, log);

    /// <summary>Sequential ids: deterministic across runs, unique within one process.</summary>
    public string NextId(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{identity.Port}-{Interlocked.Increment(ref _lastId)}");

    public long UnixNow() => time.GetUtcNow().ToUnixTimeSeconds();
}

using System.Diagnostics.Metrics;
using LlamaSwap.Supervisor.Hosting;
using LlamaSwap.Supervisor.Scheduling;
using LlamaSwap.Supervisor.Telemetry;

namespace LlamaSwap.Supervisor.Metrics;

/// <summary>
/// Gauges read from one Supervisor's scheduler snapshot and configuration: per model its leases, waiting requests
/// and whether it is ready, and the configuration generation. Its own <see cref="Meter"/> instance (same name
/// as every Supervisor meter) ends with the host that owns it.
/// </summary>
internal sealed class SupervisorStateMetrics : IDisposable
{
    private readonly Meter _meter = new(SupervisorTelemetry.Name);

    public SupervisorStateMetrics(ModelScheduler scheduler, SupervisorConfiguration configuration)
    {
        _meter.CreateObservableGauge(
            SupervisorTelemetry.Instruments.ModelLeases,
            () => PerModel(scheduler, m => m.Leases),
            "{lease}",
            "Open leases (requests being served) per model.");
        _meter.CreateObservableGauge(
            SupervisorTelemetry.Instruments.ModelWaiting,
            () => PerModel(scheduler, m => m.Waiting),
            "{request}",
            "Requests waiting for a model (queued or waiting for its start).");
        _meter.CreateObservableGauge(
            SupervisorTelemetry.Instruments.ModelReady,
            () => PerModel(scheduler, m => m.State == ModelState.Ready ? 1 : 0),
            "{model}",
            "1 while the model's upstream is ready, else 0.");
        _meter.CreateObservableGauge(
            SupervisorTelemetry.Instruments.ConfigGeneration,
            () => (long)configuration.Generation,
            "{generation}",
            "Configuration generation: 1 at startup, +1 per applied reload.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<int>> PerModel(ModelScheduler scheduler, Func<ModelSnapshot, int> value) =>
        scheduler.GetSnapshot().Models.Select(m => new Measurement<int>(value(m), new KeyValuePair<string, object?>(SupervisorTelemetry.Tags.Model, m.ModelId)));
}

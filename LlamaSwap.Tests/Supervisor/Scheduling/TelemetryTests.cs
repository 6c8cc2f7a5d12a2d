using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

public sealed class TelemetryTests
{
    // Listeners are process-wide: unique model ids keep other tests' telemetry out.
    private const string First = "telemetry-first";
    private const string Second = "telemetry-second";

    [Fact]
    public async Task ASwapIsTracedUnderTheAcquireThatCausedItAndMeasuredByPhase()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SchedulerTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SchedulerTelemetry.SourceName)
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meterListener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meterListener.Start();
        await using var h = new SchedulerHarness(OneAtATime(First, Second));

        (await h.Acquire(First).Bounded()).Dispose();
        (await h.Acquire(Second).Bounded()).Dispose();
        await h.FlushAsync();
        meterListener.RecordObservableInstruments();

        var swap = Assert.Single(activities, a => a.OperationName == "swap" && Equals(a.GetTagItem("llamaswap.swap.target"), Second));
        Assert.Equal([First], (string[])swap.GetTagItem("llamaswap.swap.evicted")!);
        var acquire = Assert.Single(activities, a => a.OperationName == "acquire" && a.SpanId == swap.ParentSpanId);
        Assert.Equal(Second, acquire.GetTagItem("gen_ai.request.model"));
        Assert.Contains(measurements, m => m.Instrument == "llamaswap.supervisor.swap.duration"
            && Equals(m.Tags["llamaswap.swap.phase"], "stop") && Equals(m.Tags["gen_ai.request.model"], Second));
        Assert.Contains(measurements, m => m.Instrument == "llamaswap.supervisor.swap.duration"
            && Equals(m.Tags["llamaswap.swap.phase"], "start") && Equals(m.Tags["gen_ai.request.model"], Second));
        Assert.Contains(measurements, m => m.Instrument == "llamaswap.supervisor.acquire.wait"
            && Equals(m.Tags["gen_ai.request.model"], Second) && Equals(m.Tags["llamaswap.acquire.outcome"], "granted"));
        Assert.Contains(measurements, m => m.Instrument == "llamaswap.supervisor.models.loaded" && m.Value >= 1);
    }
}

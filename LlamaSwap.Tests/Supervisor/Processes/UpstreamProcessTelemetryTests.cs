using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaSwap.Supervisor.Telemetry;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class UpstreamProcessTelemetryTests
{
    private static readonly TimeSpan Bound = ProcessTestHarness.Bound;

    [Fact]
    public async Task StartReadinessAndStopAreTracedAndTheStartIsMeasured()
    {
        var ct = TestContext.Current.CancellationToken;
        var modelId = $"traced-{Guid.NewGuid():N}";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SupervisorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem(SupervisorTelemetry.Tags.Model), modelId))
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var startDurations = new ConcurrentQueue<double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SupervisorTelemetry.Name && instrument.Name == SupervisorTelemetry.Instruments.ModelStartDuration)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == SupervisorTelemetry.Tags.Model && Equals(tag.Value, modelId))
                {
                    startDurations.Enqueue(value);
                }
            }
        });
        meters.Start();
        await using var harness = new ProcessTestHarness();
        var model = ProcessTestHarness.FakeModel(modelId, "--load-time", "0.1");
        var process = harness.Create(model);

        await process.StartAsync(null, ct).WaitAsync(Bound, ct);
        await process.StopAsync(TimeSpan.FromSeconds(5), ct).WaitAsync(Bound, ct);

        var start = Assert.Single(spans, s => s.OperationName == SupervisorTelemetry.Spans.StartModel);
        Assert.Equal(process.Pid, start.GetTagItem(SupervisorTelemetry.Tags.ProcessPid));
        Assert.Equal(model.Port, start.GetTagItem(SupervisorTelemetry.Tags.ServerPort));
        Assert.Equal(SupervisorTelemetry.Outcomes.Ready, start.GetTagItem(SupervisorTelemetry.Tags.Outcome));
        var readiness = Assert.Single(spans, s => s.OperationName == SupervisorTelemetry.Spans.ReadinessWait);
        Assert.Equal(start.SpanId, readiness.ParentSpanId);
        Assert.True((int)readiness.GetTagItem(SupervisorTelemetry.Tags.ReadinessAttempts)! >= 1);
        var stop = Assert.Single(spans, s => s.OperationName == SupervisorTelemetry.Spans.StopModel);
        Assert.Equal(SupervisorTelemetry.StopModes.Graceful, stop.GetTagItem(SupervisorTelemetry.Tags.StopMode));
        Assert.IsType<double>(stop.GetTagItem(SupervisorTelemetry.Tags.StopDurationSeconds));
        Assert.NotEqual(start.SpanId, stop.ParentSpanId);
        var duration = Assert.Single(startDurations);
        Assert.InRange(duration, 0.1, Bound.TotalSeconds);
    }

    [Fact]
    public async Task AFailedStartIsMarkedAsAnError()
    {
        var ct = TestContext.Current.CancellationToken;
        var modelId = $"traced-failure-{Guid.NewGuid():N}";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SupervisorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem(SupervisorTelemetry.Tags.Model), modelId))
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var harness = new ProcessTestHarness();
        var process = harness.Create(ProcessTestHarness.FakeModel(modelId, "--fail", "exit:2"));

        await Assert.ThrowsAsync<LlamaSwap.Supervisor.Processes.UpstreamStartException>(() => process.StartAsync(null, ct).WaitAsync(Bound, ct));

        var start = Assert.Single(spans, s => s.OperationName == SupervisorTelemetry.Spans.StartModel);
        Assert.Equal(ActivityStatusCode.Error, start.Status);
        Assert.Contains("exited prematurely with code 2", start.StatusDescription, StringComparison.Ordinal);
        Assert.Equal(SupervisorTelemetry.Outcomes.Failed, start.GetTagItem(SupervisorTelemetry.Tags.Outcome));
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>The scheduler's spans and metrics on the Supervisor's ActivitySource and Meter.</summary>
internal sealed class SchedulerTelemetry : IDisposable
{
    /// <summary>The Supervisor's one telemetry name; this class keeps its own instances so each scheduler's gauges end with it.</summary>
    public const string SourceName = Telemetry.SupervisorTelemetry.Name;

    private readonly ActivitySource _source = new(SourceName);
    private readonly Meter _meter = new(SourceName);
    private readonly Histogram<double> _swapDuration;
    private readonly Histogram<double> _acquireWait;

    public SchedulerTelemetry(Func<SchedulerSnapshot> latest)
    {
        _swapDuration = _meter.CreateHistogram<double>(
            "llamaswap.supervisor.swap.duration", "s", "Time a swap spent stopping evicted models and starting its target, by phase.");
        _acquireWait = _meter.CreateHistogram<double>(
            "llamaswap.supervisor.acquire.wait", "s", "Time from admission until a request got a lease or an error.");
        _meter.CreateObservableGauge(
            "llamaswap.supervisor.models.loaded",
            () => latest().Models.Count(m => m.State == ModelState.Ready),
            "{model}",
            "Models whose upstream is ready.");
        _meter.CreateObservableGauge(
            "llamaswap.supervisor.queue.length",
            () => latest().QueueLength,
            "{request}",
            "Requests waiting in the scheduler queue.");
    }

    public Activity? StartAcquire(string model)
    {
        var activity = _source.StartActivity(Names.AcquireSpan);
        activity?.SetTag(Names.Model, model);
        return activity;
    }

    /// <summary>Starts the swap span without making it the loop's ambient activity.</summary>
    public Activity? StartSwap(string target, IEnumerable<string> evicted, ActivityContext parent)
    {
        var ambient = Activity.Current;
        var activity = _source.StartActivity(Names.SwapSpan, ActivityKind.Internal, parent);
        Activity.Current = ambient;
        activity?.SetTag(Names.SwapTarget, target);
        activity?.SetTag(Names.SwapEvicted, evicted.ToArray());
        return activity;
    }

    public static void EndSwap(Activity? activity, string? error)
    {
        if (activity is null)
            return;
        var ambient = Activity.Current;
        if (error is not null)
            activity.SetStatus(ActivityStatusCode.Error, error);
        activity.Dispose();
        Activity.Current = ambient;
    }

    public void RecordSwapPhase(string phase, string target, TimeSpan duration) =>
        _swapDuration.Record(duration.TotalSeconds, new(Names.Phase, phase), new(Names.Model, target));

    public void RecordWait(string model, string outcome, TimeSpan duration) =>
        _acquireWait.Record(duration.TotalSeconds, new(Names.Model, model), new(Names.Outcome, outcome));

    public void Dispose()
    {
        _source.Dispose();
        _meter.Dispose();
    }

    public static class Names
    {
        public const string AcquireSpan = "acquire";
        public const string SwapSpan = "swap";
        public const string Model = "gen_ai.request.model";
        public const string SwapTarget = "llamaswap.swap.target";
        public const string SwapEvicted = "llamaswap.swap.evicted";
        public const string Phase = "llamaswap.swap.phase";
        public const string Outcome = "llamaswap.acquire.outcome";
        public const string PhaseStop = "stop";
        public const string PhaseStart = "start";
        public const string Granted = "granted";
        public const string Failed = "failed";
        public const string Cancelled = "cancelled";
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlamaSwap.Proxy.Telemetry;

/// <summary>
/// The Proxy's ActivitySource and Meter, both named <see cref="Name"/>. Spans: <c>proxy request</c>
/// (one model-dispatched request), <c>acquire</c> (waiting for a lease; the Supervisor's spans become its
/// children through <c>traceparent</c>) and <c>forward</c> (the upstream exchange). Metrics are tagged
/// with the model and, where a response exists, its status.
/// </summary>
public sealed class ProxyTelemetry : IDisposable
{
    public const string Name = "LlamaSwap.Proxy";

    public static class Spans
    {
        public const string Request = "proxy request";
        public const string Acquire = "acquire";
        public const string Forward = "forward";
    }

    public static class Instruments
    {
        /// <summary>Histogram, seconds: request start to the last response byte.</summary>
        public const string RequestDuration = "llamaswap.proxy.request.duration";

        /// <summary>Histogram, seconds: request start to the first response byte sent to the client.</summary>
        public const string TimeToFirstByte = "llamaswap.proxy.time_to_first_byte";

        /// <summary>UpDownCounter: model-dispatched requests being handled, per model.</summary>
        public const string InFlight = "llamaswap.proxy.requests.in_flight";

        /// <summary>Histogram, seconds: how long a request waited for its lease (queue, swap, start).</summary>
        public const string QueueWait = "llamaswap.proxy.queue.wait";
    }

    public static class Tags
    {
        /// <summary>What the client asked for (OpenTelemetry GenAI convention).</summary>
        public const string RequestModel = "gen_ai.request.model";

        /// <summary>The configured model id (or <c>peer/model</c>) the request was routed to, on spans.</summary>
        public const string Model = "llamaswap.model";

        /// <summary>
        /// The model label of every metric of the stack: the configured model id, under the GenAI convention's name
        /// (the Supervisor's metrics use it too), so one label joins them all.
        /// </summary>
        public const string MetricModel = RequestModel;

        public const string StatusCode = "http.response.status_code";
        public const string Selector = "llamaswap.selector";
        public const string Peer = "llamaswap.peer";
        public const string Upstream = "server.address";
        public const string Outcome = "llamaswap.outcome";
    }

    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstByte;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Histogram<double> _queueWait;

    public ProxyTelemetry(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
        _duration = Meter.CreateHistogram<double>(Instruments.RequestDuration, "s", "Duration of model-dispatched requests");
        _timeToFirstByte = Meter.CreateHistogram<double>(Instruments.TimeToFirstByte, "s", "Time until the first response byte");
        _inFlight = Meter.CreateUpDownCounter<long>(Instruments.InFlight, "{request}", "Model-dispatched requests in progress");
        _queueWait = Meter.CreateHistogram<double>(Instruments.QueueWait, "s", "Time spent waiting for a lease");
    }

    public ActivitySource Source { get; } = new(Name);

    /// <summary>The meter the management API's <c>/metrics</c> reads.</summary>
    public Meter Meter { get; }

    public System.Diagnostics.Activity? StartRequest(string requestedModel)
    {
        var activity = Source.StartActivity(Spans.Request, ActivityKind.Internal);
        activity?.SetTag(Tags.RequestModel, requestedModel);
        return activity;
    }

    public System.Diagnostics.Activity? StartAcquire(string modelId)
    {
        var activity = Source.StartActivity(Spans.Acquire, ActivityKind.Client);
        activity?.SetTag(Tags.Model, modelId);
        return activity;
    }

    public System.Diagnostics.Activity? StartForward(string model, Uri target)
    {
        var activity = Source.StartActivity(Spans.Forward, ActivityKind.Client);
        activity?.SetTag(Tags.Model, model);
        activity?.SetTag(Tags.Upstream, target.Authority);
        return activity;
    }

    public void RequestStarted(string model) => _inFlight.Add(1, new KeyValuePair<string, object?>(Tags.MetricModel, model));

    public void RequestEnded(string model, int statusCode, TimeSpan duration)
    {
        _inFlight.Add(-1, new KeyValuePair<string, object?>(Tags.MetricModel, model));
        _duration.Record(duration.TotalSeconds, new(Tags.MetricModel, model), new(Tags.StatusCode, statusCode));
    }

    public void FirstByte(string model, int statusCode, TimeSpan elapsed) =>
        _timeToFirstByte.Record(elapsed.TotalSeconds, new(Tags.MetricModel, model), new(Tags.StatusCode, statusCode));

    public void QueueWaited(string model, TimeSpan wait) =>
        _queueWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>(Tags.MetricModel, model));

    public void Dispose() => Source.Dispose();
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaSwap.Proxy.Telemetry;

namespace LlamaSwap.Proxy.Backends;

/// <summary>
/// Metrics and spans of routing decisions, on the Proxy's meter and ActivitySource (so <c>/metrics</c> and the
/// dashboard show them): which rule matched and which backend it chose, each fallback and retry, and per backend
/// its health, health-check latency, in-flight requests and circuit state.
/// </summary>
internal sealed class RoutingTelemetry
{
    public static class Instruments
    {
        /// <summary>Counter: requests a rule routed, by rule and the backend that answered first.</summary>
        public const string Decisions = "llamaswap.proxy.route.decisions";

        /// <summary>Counter: moves to the next backend after one failed before any byte, by rule, backend left and reason.</summary>
        public const string Fallbacks = "llamaswap.proxy.route.fallbacks";

        /// <summary>Counter: retries of the same backend after a transient failure.</summary>
        public const string Retries = "llamaswap.proxy.backend.retries";

        /// <summary>Gauge: 1 while an endpoint model passes its health checks, 0 while it is out of rotation.</summary>
        public const string Healthy = "llamaswap.proxy.backend.healthy";

        /// <summary>Histogram, seconds: how long an endpoint model's health check took.</summary>
        public const string HealthCheckDuration = "llamaswap.proxy.backend.health_check.duration";

        /// <summary>Gauge: circuit state per backend: 0 closed, 1 open, 2 half-open, 3 isolated.</summary>
        public const string BreakerState = "llamaswap.proxy.backend.breaker.state";

        /// <summary>Gauge: requests a routing rule has in flight on each backend.</summary>
        public const string InFlight = "llamaswap.proxy.backend.in_flight";
    }

    public static class Tags
    {
        public const string Rule = "llamaswap.route.rule";
        public const string Backend = "llamaswap.route.backend";
        public const string Reason = "llamaswap.route.reason";
        public const string Attempts = "llamaswap.route.attempts";
    }

    public const string RouteSpan = "route";
    public const string FallbackEvent = "fallback";

    private readonly ProxyTelemetry _proxy;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _healthCheckDuration;
    private readonly ConcurrentDictionary<string, int> _healthy = new(StringComparer.Ordinal);

    public RoutingTelemetry(ProxyTelemetry proxy)
    {
        _proxy = proxy;
        var meter = proxy.Meter;
        _decisions = meter.CreateCounter<long>(Instruments.Decisions, "{request}", "Requests routed by a rule, by the backend that answered");
        _fallbacks = meter.CreateCounter<long>(Instruments.Fallbacks, "{fallback}", "Moves to the next backend before any byte was sent");
        _retries = meter.CreateCounter<long>(Instruments.Retries, "{retry}", "Retries of a backend after a transient failure");
        _healthCheckDuration = meter.CreateHistogram<double>(Instruments.HealthCheckDuration, "s", "Duration of endpoint health checks");
        meter.CreateObservableGauge(Instruments.Healthy,
            () => _healthy.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>(Tags.Backend, p.Key))),
            "{backend}", "1 while an endpoint model is in rotation");
    }

    public Meter Meter => _proxy.Meter;

    /// <summary>The span covering every attempt of one routed request (each attempt's <c>proxy request</c> nests under it).</summary>
    public System.Diagnostics.Activity? StartRoute(string rule, string requested)
    {
        var activity = _proxy.Source.StartActivity(RouteSpan, ActivityKind.Internal);
        activity?.SetTag(Tags.Rule, rule);
        activity?.SetTag(ProxyTelemetry.Tags.RequestModel, requested);
        return activity;
    }

    public void Decided(System.Diagnostics.Activity? route, string rule, string backend, int attempts)
    {
        route?.SetTag(Tags.Backend, backend);
        route?.SetTag(Tags.Attempts, attempts);
        _decisions.Add(1, new(Tags.Rule, rule), new(Tags.Backend, backend));
    }

    public void FellBack(System.Diagnostics.Activity? route, string rule, string backend, string reason)
    {
        route?.AddEvent(new ActivityEvent(FallbackEvent, tags: new ActivityTagsCollection
        {
            [Tags.Backend] = backend,
            [Tags.Reason] = reason,
        }));
        _fallbacks.Add(1, new(Tags.Rule, rule), new(Tags.Backend, backend), new(Tags.Reason, reason));
    }

    public void Retried(string backend) => _retries.Add(1, new KeyValuePair<string, object?>(Tags.Backend, backend));

    public void HealthChecked(string backend, EndpointHealth health)
    {
        _healthy[backend] = health.Healthy ? 1 : 0;
        _healthCheckDuration.Record(health.LatencyMs / 1000, new KeyValuePair<string, object?>(Tags.Backend, backend));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Routing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace LlamaSwap.Proxy.Backends;

/// <summary>
/// One Polly.Core pipeline per backend for routing rules: retries of a transient failure (unreachable, 502, 503,
/// 504) with exponential backoff, inside a circuit breaker that takes a failing backend out of rotation for
/// <c>resilience.breaker.breakDuration</c>. Only failures handed back before any byte reached the client count
/// (<see cref="DispatchOutcome.Deferred"/>), so nothing is ever retried after a response began.
/// </summary>
/// <remarks>A reload with different <c>resilience</c> settings starts every backend afresh (closed circuits).</remarks>
internal sealed class BackendResilience
{
    private readonly RoutingTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Backend> _backends = new(StringComparer.Ordinal);

    public BackendResilience(RoutingTelemetry telemetry, TimeProvider time)
    {
        _telemetry = telemetry;
        _time = time;
        telemetry.Meter.CreateObservableGauge(RoutingTelemetry.Instruments.BreakerState,
            () => _backends.Select(p => new Measurement<int>((int)p.Value.State.CircuitState,
                new KeyValuePair<string, object?>(RoutingTelemetry.Tags.Backend, p.Key))),
            "{state}", "Circuit state per backend: 0 closed, 1 open, 2 half-open, 3 isolated");
    }

    /// <summary>Whether the backend's circuit lets requests through (closed, or half-open for its trial request).</summary>
    public bool IsAvailable(string backend, ResilienceConfig settings) =>
        For(backend, settings).State.CircuitState is CircuitState.Closed or CircuitState.HalfOpen;

    /// <summary>
    /// Runs <paramref name="attempt"/> through the backend's pipeline. Returns null when the circuit is open: the
    /// backend was skipped without being called.
    /// </summary>
    public async ValueTask<DispatchOutcome?> ExecuteAsync(string backend, ResilienceConfig settings,
        Func<CancellationToken, ValueTask<DispatchOutcome>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await For(backend, settings).Pipeline.ExecuteAsync(attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            return null;
        }
    }

    private Backend For(string backend, ResilienceConfig settings)
    {
        var entry = _backends.GetOrAdd(backend, name => Build(name, settings));
        if (entry.Settings == settings)
            return entry;
        var rebuilt = Build(backend, settings);
        return _backends.TryUpdate(backend, rebuilt, entry) ? rebuilt : _backends[backend];
    }

    private Backend Build(string backend, ResilienceConfig settings)
    {
        var state = new CircuitBreakerStateProvider();
        var builder = new ResiliencePipelineBuilder<DispatchOutcome> { TimeProvider = _time };
        if (settings.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<DispatchOutcome>
            {
                MaxRetryAttempts = settings.Retries,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Deferred: { } error } && IsTransient(error.StatusCode)),
                OnRetry = _ =>
                {
                    _telemetry.Retried(backend);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<DispatchOutcome>
        {
            FailureRatio = settings.BreakerFailureRatio,
            MinimumThroughput = settings.BreakerMinimumThroughput,
            SamplingDuration = settings.BreakerSamplingDuration,
            BreakDuration = settings.BreakerBreakDuration,
            StateProvider = state,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result.Deferred is not null),
        });
        return new Backend(settings, builder.Build(), state);
    }

    /// <summary>Failures worth a second try on the same backend; 429 and 500 go to the next backend instead.</summary>
    private static bool IsTransient(int status) => status is 502 or 503 or 504;

    private sealed record Backend(ResilienceConfig Settings, ResiliencePipeline<DispatchOutcome> Pipeline, CircuitBreakerStateProvider State);
}

using LlamaSwap.Proxy.Backends;
using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Routing;

namespace LlamaSwap.Proxy.Rules;

/// <summary>
/// Serves a request a routing rule matched: tries the rule's candidates in the order <see cref="TargetPicker"/>
/// gives, each through its backend's resilience pipeline, until one answers. A candidate that fails before any
/// byte reached the client (no slot, start failure, unreachable, 5xx, 429, circuit open) hands over to the next;
/// once the response has begun nothing is retried. The client sees one answer: the first success, or the last
/// failure.
/// </summary>
internal sealed partial class RuleRouter(
    ModelResolver resolver,
    TargetPicker picker,
    BackendResilience resilience,
    EndpointHealthMonitor health,
    BackendLoad load,
    RoutingTelemetry telemetry,
    ILogger<RuleRouter> logger)
{
    /// <summary>Sends the request to one resolved backend; the body is rewritten for it on each call.</summary>
    public delegate ValueTask<DispatchOutcome> Attempt(ResolvedModel model, FallbackScope fallback, string? hideBackendAs);

    public async Task RouteAsync(HttpContext context, RoutingTable table, CompiledRule rule, string requested, Attempt attempt)
    {
        var config = rule.Config;
        var settings = table.Config.Resilience;
        using var activity = telemetry.StartRoute(rule.Name, requested);
        var candidates = picker.Order(config,
            name => health.IsHealthy(table.BackendOf(name)) && resilience.IsAvailable(table.BackendOf(name), settings),
            name => load.InFlight(table.BackendOf(name)));
        if (candidates.Count == 0)
        {
            await ModelDispatcher.FailAsync(context, null, null, NoBackend(table, config, settings)).ConfigureAwait(false);
            return;
        }

        var hideAs = config.HideBackend ? requested : null;
        ProxyError? last = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            var name = candidates[i];
            // The last choice still hands back failures nobody answered (so they can be retried), but an upstream's
            // own error answer then reaches the client as the upstream wrote it.
            var scope = i == candidates.Count - 1 ? FallbackScope.Unanswered : FallbackScope.Any;
            var backend = table.BackendOf(name);
            var resolution = resolver.Resolve(table, name);
            DispatchOutcome? outcome;
            using (resolution.SelectorLease)
            {
                if (resolution.Model is not { } model)
                {
                    last = resolution.Error;
                    telemetry.FellBack(activity, rule.Name, backend, last?.Message ?? "unresolved");
                    continue;
                }

                using (load.Enter(backend))
                {
                    outcome = await resilience.ExecuteAsync(backend, settings,
                        _ => attempt(model, scope, hideAs), context.RequestAborted).ConfigureAwait(false);
                }
            }

            if (outcome is not { } done)
            {
                last = new ProxyError(503, $"backend {backend} of rule {rule.Name} is cooling down after repeated failures");
                telemetry.FellBack(activity, rule.Name, backend, "circuit open");
                continue;
            }

            if (done.Deferred is { } error)
            {
                last = error;
                LogFellBack(logger, rule.Name, backend, error.Message);
                telemetry.FellBack(activity, rule.Name, backend, error.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            telemetry.Decided(activity, rule.Name, backend, i + 1);
            return;
        }

        if (!context.RequestAborted.IsCancellationRequested)
            await ModelDispatcher.FailAsync(context, null, null, last ?? NoBackend(table, config, settings)).ConfigureAwait(false);
    }

    private ProxyError NoBackend(RoutingTable table, Configuration.RouteRuleConfig rule, Configuration.ResilienceConfig settings)
    {
        var reasons = rule.Targets.Select(t => t.Model).Concat(rule.Fallback).Distinct(StringComparer.Ordinal).Select(name =>
        {
            var backend = table.BackendOf(name);
            var state = health.For(backend);
            return !state.Healthy ? $"{name}: unhealthy ({state.LastError})"
                : !resilience.IsAvailable(backend, settings) ? $"{name}: circuit open"
                : $"{name}: available";
        });
        return new ProxyError(503, $"no backend of rule {rule.Name} is available: {string.Join("; ", reasons)}");
    }

    [LoggerMessage(1, LogLevel.Warning, "rule {Rule}: backend {Backend} failed before responding: {Error}")]
    private static partial void LogFellBack(ILogger logger, string rule, string backend, string error);
}

using System.Collections.Concurrent;
using System.Diagnostics;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Proxy.Backends;

/// <summary>
/// Checks every endpoint model (a URL, no <c>cmd</c>) each <c>endpointHealth.interval</c>: a GET of its
/// <c>checkEndpoint</c> that must answer 200 within <c>endpointHealth.timeout</c>. A failed check takes the endpoint
/// out of rotation for routing rules at once; the next successful one puts it back. Results are kept per model id
/// (latency, consecutive failures, last error) for the routing rules, <c>/metrics</c> and the model list.
/// </summary>
/// <remarks>
/// One loop owns the checks; the results dictionary is written only by it and read by requests. An endpoint with
/// <c>checkEndpoint: none</c> is always in rotation (its failures still open its circuit breaker).
/// </remarks>
internal sealed partial class EndpointHealthMonitor(
    IProxyConfigProvider configProvider,
    RoutingTelemetry telemetry,
    TimeProvider time,
    ILogger<EndpointHealthMonitor> logger) : BackgroundService
{
    private const string NoHealthCheck = "none";

    private readonly ConcurrentDictionary<string, EndpointHealth> _health = new(StringComparer.Ordinal);
    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>Raised (on the monitor's loop) when an endpoint model enters or leaves the rotation.</summary>
    public event Action? HealthChanged;

    /// <summary>The last result for a model; endpoints not checked yet (and every other model) count as healthy.</summary>
    public EndpointHealth For(string modelId) => _health.GetValueOrDefault(modelId, EndpointHealth.Unchecked);

    public bool IsHealthy(string modelId) => For(modelId).Healthy;

    /// <summary>One round of checks, all endpoints at once; results of models no longer configured go.</summary>
    private async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        var config = configProvider.Current;
        var endpoints = config.Models.Values.Where(m => m.IsEndpoint).ToList();
        foreach (var gone in _health.Keys.Where(id => !config.Models.TryGetValue(id, out var m) || !m.IsEndpoint))
            _health.TryRemove(gone, out _);
        await Task.WhenAll(endpoints.Select(m => CheckAsync(m, config.EndpointHealth.Timeout, cancellationToken))).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await CheckAllAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(configProvider.Current.EndpointHealth.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CheckAsync(ModelConfig model, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (model.CheckEndpoint == NoHealthCheck)
        {
            Record(model.Id, new EndpointHealth(true, 0, 0, null, time.GetUtcNow()));
            return;
        }

        var started = Stopwatch.GetTimestamp();
        string? error;
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, UpstreamUri.Combine(model.Proxy, model.CheckEndpoint, QueryString.Empty));
            if (model.ApiKey.Length > 0)
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", model.ApiKey);
            using var response = await _client.SendAsync(request, bounded.Token).ConfigureAwait(false);
            error = response.StatusCode == System.Net.HttpStatusCode.OK ? null : $"answered {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {timeout.TotalMilliseconds:0} ms";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var previous = For(model.Id);
        var next = error is null
            ? new EndpointHealth(true, latency, 0, null, time.GetUtcNow())
            : new EndpointHealth(false, latency, previous.ConsecutiveFailures + 1, error, time.GetUtcNow());
        if (previous.Healthy != next.Healthy)
        {
            if (next.Healthy)
                LogRecovered(logger, model.Id, latency);
            else
                LogUnhealthy(logger, model.Id, model.Proxy, error!);
        }

        Record(model.Id, next);
        if (previous.Healthy != next.Healthy)
            HealthChanged?.Invoke();
    }

    private void Record(string modelId, EndpointHealth health)
    {
        _health[modelId] = health;
        telemetry.HealthChecked(modelId, health);
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    [LoggerMessage(1, LogLevel.Warning, "endpoint model {Model} at {Url} is out of rotation: {Error}")]
    private static partial void LogUnhealthy(ILogger logger, string model, string url, string error);

    [LoggerMessage(2, LogLevel.Information, "endpoint model {Model} is back in rotation (health check {LatencyMs:0.0} ms)")]
    private static partial void LogRecovered(ILogger logger, string model, double latencyMs);
}

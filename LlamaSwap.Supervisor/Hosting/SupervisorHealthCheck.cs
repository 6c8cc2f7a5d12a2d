using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>
/// <c>/health</c> is healthy once the Supervisor serves (configuration loaded, leftovers reaped) and until its
/// shutdown begins; <c>/alive</c> does not include it.
/// </summary>
internal sealed class SupervisorHealthCheck(SupervisorLifecycle lifecycle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifecycle.IsServing
            ? HealthCheckResult.Healthy("serving")
            : HealthCheckResult.Unhealthy("not serving: starting or shutting down"));
}

using LlamaSwap.AppHost.Dashboard;
using LlamaSwap.AppHost.Dashboard.Otlp;
using LlamaSwap.AppHost.Dashboard.Telemetry;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;
using LlamaSwap.ServiceDefaults;

namespace LlamaSwap.AppHost.Hosting;

/// <summary>
/// The running resource graph. Start brings up the dashboard, allocates ports, then starts resources
/// in dependency order (each waits for what it <c>WaitFor</c>s to be healthy); Stop stops them in
/// reverse order, so the Proxy drains before the Supervisor stops the upstreams, and the dashboard last.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly IReadOnlyList<ProjectResource> _resources;
    private readonly List<ResourceRunner> _runners = [];
    private readonly PortAllocator _ports = new();
    private readonly IReadOnlyDictionary<string, string> _sharedEnvironment;
    private readonly Func<string, string?> _environment;
    private readonly DashboardOptions? _dashboardOptions;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _childSourcesStopping = new();
    private readonly List<Task> _childSources = [];
    private bool _stopped;

    internal DistributedApplication(
        IReadOnlyList<ProjectResource> resources, IReadOnlyDictionary<string, string> sharedEnvironment,
        Func<string, string?> environment, DashboardOptions? dashboard, TimeProvider timeProvider)
    {
        _resources = TopologicalOrder(resources);
        _sharedEnvironment = sharedEnvironment;
        _environment = environment;
        _dashboardOptions = dashboard;
        _timeProvider = timeProvider;
        Logs = new ResourceLogService(timeProvider);
        Telemetry = new TelemetryRepository(dashboard?.Limits ?? new TelemetryLimits());
        foreach (var resource in _resources)
        {
            Notifications.Publish(new ResourceSnapshot
            {
                Name = resource.Name, ResourceType = KnownResourceTypes.Project, Commands = ResourceRunner.Commands,
            });
        }
    }

    public ResourceNotificationService Notifications { get; } = new();
    public ResourceLogService Logs { get; }
    internal TelemetryRepository Telemetry { get; }
    internal DashboardServer? Dashboard { get; private set; }

    /// <summary>Where services send telemetry; null when there is no dashboard and no user endpoint.</summary>
    public OtlpExporterTarget? OtlpTarget { get; private set; }

    public Uri GetEndpoint(string resourceName, string endpointName) =>
        _resources.Single(r => r.Name == resourceName).GetEndpoint(endpointName).Url;

    /// <summary>Starts every resource; completes when all are healthy, or throws naming the one that is not.</summary>
    /// <param name="onDashboardStarted">Called once the dashboard listens, before any resource starts.</param>
    public async Task StartAsync(CancellationToken cancellationToken, Action? onDashboardStarted = null)
    {
        if (_dashboardOptions is not null)
        {
            Dashboard = new DashboardServer(_dashboardOptions, Notifications, Logs, Telemetry, ExecuteCommandAsync);
            await Dashboard.StartAsync(cancellationToken);
        }
        OtlpTarget = ResolveOtlpTarget();
        onDashboardStarted?.Invoke();

        _ports.AllocateMissing(_resources.SelectMany(r => r.Endpoints));
        foreach (var resource in _resources)
        {
            Notifications.Update(resource.Name, s => s with
            {
                State = resource.WaitsFor.Count > 0 ? KnownResourceStates.Waiting : KnownResourceStates.NotStarted,
                Urls = [.. resource.Endpoints.Select(e => e.Url.ToString().TrimEnd('/'))],
            });
        }

        foreach (var resource in _resources)
        {
            foreach (var dependency in resource.WaitsFor)
                await RunnerFor(dependency.Name).FirstHealthy.WaitAsync(cancellationToken);
            var runner = new ResourceRunner(resource, _sharedEnvironment, () => OtlpTarget, Notifications, Logs, _timeProvider);
            _runners.Add(runner);
            _ports.Release(resource.Endpoints);
            runner.Start();
            if (resource.ChildResources is { } children)
                _childSources.Add(Task.Run(() => children.RunAsync(resource, Notifications, Logs, _childSourcesStopping.Token), CancellationToken.None));
        }

        foreach (var runner in _runners)
            await runner.FirstHealthy.WaitAsync(cancellationToken);
    }

    /// <summary>Runs a dashboard command (start, stop, restart) on a project or a child resource.</summary>
    public async Task<ResourceCommandResult> ExecuteCommandAsync(string resourceName, string command, CancellationToken cancellationToken)
    {
        if (_runners.FirstOrDefault(r => r.Resource.Name == resourceName) is { } runner)
            return await runner.ExecuteCommandAsync(command, cancellationToken);
        if (Notifications.TryGet(resourceName) is { Parent: { } parent }
            && _resources.FirstOrDefault(r => r.Name == parent)?.ChildResources is { } children)
        {
            return await children.ExecuteCommandAsync(resourceName, command, cancellationToken);
        }
        return ResourceCommandResult.Failure($"no resource named '{resourceName}'");
    }

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        _ports.Dispose();
        await _childSourcesStopping.CancelAsync();
        foreach (var runner in Enumerable.Reverse(_runners))
            await runner.StopAsync();
        await Task.WhenAll(_childSources);
        if (Dashboard is not null)
            await Dashboard.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private OtlpExporterTarget? ResolveOtlpTarget()
    {
        if (_environment(KnownOtelConfigNames.ExporterOtlpEndpoint) is { Length: > 0 } userEndpoint)
        {
            return new OtlpExporterTarget(userEndpoint, _environment(KnownOtelConfigNames.ExporterOtlpProtocol),
                _environment(KnownOtelConfigNames.ExporterOtlpHeaders), IsUserProvided: true);
        }
        if (Dashboard is null)
            return null;
        return new OtlpExporterTarget(
            Dashboard.OtlpEndpoint.ToString().TrimEnd('/'), OtlpHttpConstants.HttpProtobufProtocol,
            _dashboardOptions?.OtlpApiKey is { } key ? $"{OtlpHttpConstants.ApiKeyHeader}={key}" : null, IsUserProvided: false);
    }

    private ResourceRunner RunnerFor(string name) =>
        _runners.FirstOrDefault(r => r.Resource.Name == name)
        ?? throw new InvalidOperationException($"resource '{name}' has not been started");

    private static List<ProjectResource> TopologicalOrder(IReadOnlyList<ProjectResource> resources)
    {
        var ordered = new List<ProjectResource>();
        var visiting = new HashSet<ProjectResource>();
        void Visit(ProjectResource resource)
        {
            if (ordered.Contains(resource))
                return;
            if (!visiting.Add(resource))
                throw new InvalidOperationException($"resource '{resource.Name}' waits for itself through its dependencies");
            foreach (var dependency in resource.WaitsFor)
                Visit(dependency);
            ordered.Add(resource);
        }
        foreach (var resource in resources)
            Visit(resource);
        return ordered;
    }
}

using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;

namespace LlamaSwap.AppHost.Hosting;

/// <summary>
/// The running resource graph. Start allocates ports, then starts resources in dependency order
/// (each waits for what it <c>WaitFor</c>s to be healthy); Stop stops them in reverse order, so the
/// Proxy drains before the Supervisor stops the upstreams.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly IReadOnlyList<ProjectResource> _resources;
    private readonly List<ResourceRunner> _runners = [];
    private readonly IReadOnlyDictionary<string, string> _sharedEnvironment;
    private readonly TimeProvider _timeProvider;
    private bool _stopped;

    internal DistributedApplication(IReadOnlyList<ProjectResource> resources, IReadOnlyDictionary<string, string> sharedEnvironment, TimeProvider timeProvider)
    {
        _resources = TopologicalOrder(resources);
        _sharedEnvironment = sharedEnvironment;
        _timeProvider = timeProvider;
        Logs = new ResourceLogService(timeProvider);
        foreach (var resource in _resources)
            Notifications.Publish(new ResourceSnapshot { Name = resource.Name, ResourceType = "Project" });
    }

    public ResourceNotificationService Notifications { get; } = new();
    public ResourceLogService Logs { get; }

    public Uri GetEndpoint(string resourceName, string endpointName) =>
        _resources.Single(r => r.Name == resourceName).GetEndpoint(endpointName).Url;

    /// <summary>Starts every resource; completes when all are healthy, or throws naming the one that is not.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PortAllocator.AllocateMissing(_resources.SelectMany(r => r.Endpoints));
        foreach (var resource in _resources)
        {
            Notifications.Update(resource.Name, s => s with
            {
                State = resource.WaitsFor.Count > 0 ? KnownResourceStates.Waiting : KnownResourceStates.NotStarted,
                Urls = [.. resource.Endpoints.Select(e => e.Url.ToString())],
            });
        }

        foreach (var resource in _resources)
        {
            foreach (var dependency in resource.WaitsFor)
                await RunnerFor(dependency).FirstHealthy.WaitAsync(cancellationToken);
            var runner = new ResourceRunner(resource, _sharedEnvironment, Notifications, Logs, _timeProvider);
            _runners.Add(runner);
            runner.Start();
        }

        foreach (var runner in _runners)
            await runner.FirstHealthy.WaitAsync(cancellationToken);
    }

    public void Restart(string resourceName) => RunnerFor(_resources.Single(r => r.Name == resourceName)).Restart();

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        foreach (var runner in Enumerable.Reverse(_runners))
            await runner.StopAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private ResourceRunner RunnerFor(ProjectResource resource) =>
        _runners.FirstOrDefault(r => r.Resource == resource)
        ?? throw new InvalidOperationException($"resource '{resource.Name}' has not been started");

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

using LlamaSwap.AppHost.Dashboard;
using LlamaSwap.AppHost.Hosting.ApplicationModel;

namespace LlamaSwap.AppHost.Hosting;

/// <summary>Collects the resource graph; <see cref="Build"/> turns it into a runnable application.</summary>
/// <param name="environment">The AppHost's own environment (a user's OTEL_EXPORTER_OTLP_ENDPOINT, say); the process environment by default.</param>
public sealed class DistributedApplicationBuilder(Func<string, string?>? environment = null)
{
    private readonly List<ProjectResource> _resources = [];

    /// <summary>Environment every resource gets, before its own.</summary>
    public Dictionary<string, string> SharedEnvironment { get; } = [];

    internal DashboardOptions? Dashboard { get; private set; }

    public ResourceBuilder AddProject(string name, string assemblyName)
    {
        if (_resources.Any(r => r.Name == name))
            throw new InvalidOperationException($"a resource named '{name}' already exists");
        var resource = new ProjectResource(name, assemblyName);
        _resources.Add(resource);
        return new ResourceBuilder(resource);
    }

    /// <summary>
    /// Serves the dashboard and its OTLP receiver; every project then exports its telemetry there
    /// (unless the AppHost's environment names another OTLP endpoint).
    /// </summary>
    internal DistributedApplicationBuilder AddDashboard(DashboardOptions options)
    {
        Dashboard = options;
        return this;
    }

    public DistributedApplication Build(TimeProvider? timeProvider = null) =>
        new(_resources.ToList(), new Dictionary<string, string>(SharedEnvironment), environment ?? Environment.GetEnvironmentVariable,
            Dashboard, timeProvider ?? TimeProvider.System);
}

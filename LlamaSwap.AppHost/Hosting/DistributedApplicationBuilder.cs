using LlamaSwap.AppHost.Hosting.ApplicationModel;

namespace LlamaSwap.AppHost.Hosting;

/// <summary>Collects the resource graph; <see cref="Build"/> turns it into a runnable application.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<ProjectResource> _resources = [];

    /// <summary>Environment every resource gets (telemetry wiring, for example), before its own.</summary>
    public Dictionary<string, string> SharedEnvironment { get; } = [];

    public ResourceBuilder AddProject(string name, string assemblyName)
    {
        if (_resources.Any(r => r.Name == name))
            throw new InvalidOperationException($"a resource named '{name}' already exists");
        var resource = new ProjectResource(name, assemblyName);
        _resources.Add(resource);
        return new ResourceBuilder(resource);
    }

    public DistributedApplication Build(TimeProvider? timeProvider = null) =>
        new(_resources.ToList(), new Dictionary<string, string>(SharedEnvironment), timeProvider ?? TimeProvider.System);
}

namespace LlamaSwap.AppHost.Hosting.ApplicationModel;

/// <summary>A .NET service run as a child process from its built assembly beside the AppHost.</summary>
public sealed class ProjectResource(string name, string assemblyName)
{
    public string Name { get; } = name;
    /// <summary>The project's assembly name; the AppHost references the project so the build copies it alongside.</summary>
    public string AssemblyName { get; } = assemblyName;
    /// <summary>
    /// <c>service.instance.id</c> of this resource's telemetry: stable for the run, so a restarted
    /// process keeps its identity in the dashboard (Aspire gives each replica one).
    /// </summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];
    public List<EndpointAnnotation> Endpoints { get; } = [];
    public List<Action<IDictionary<string, string>>> EnvironmentCallbacks { get; } = [];
    /// <summary>Evaluated at each launch, after ports are allocated.</summary>
    public List<Action<IList<string>>> ArgumentCallbacks { get; } = [];
    public List<ProjectResource> WaitsFor { get; } = [];
    /// <summary>Path polled for HTTP 200 on <see cref="HealthEndpointName"/>; null = running means healthy.</summary>
    public string? HealthCheckPath { get; set; }
    public string? HealthEndpointName { get; set; }
    /// <summary>How long a stop may take before the process is killed.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Publishes child resources of this one (the Supervisor's upstream models).</summary>
    public IChildResourceSource? ChildResources { get; set; }

    public EndpointAnnotation GetEndpoint(string endpointName) =>
        Endpoints.FirstOrDefault(e => e.Name == endpointName)
        ?? throw new InvalidOperationException($"resource '{Name}' has no endpoint '{endpointName}'");
}

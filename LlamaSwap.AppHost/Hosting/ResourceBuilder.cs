using LlamaSwap.AppHost.Hosting.ApplicationModel;

namespace LlamaSwap.AppHost.Hosting;

/// <summary>Fluent configuration of one resource, in the spirit of Aspire's <c>IResourceBuilder</c>.</summary>
public sealed class ResourceBuilder(ProjectResource resource)
{
    public ProjectResource Resource { get; } = resource;

    /// <summary>An HTTP/1.1 endpoint; <paramref name="port"/> null or 0 = allocated at start.</summary>
    public ResourceBuilder WithHttpEndpoint(string name, string host = "127.0.0.1", int? port = null)
    {
        Resource.Endpoints.Add(new EndpointAnnotation(name, host, port, http2Only: false));
        return this;
    }

    /// <summary>An HTTP/2-only (h2c) endpoint, as gRPC needs.</summary>
    public ResourceBuilder WithHttp2Endpoint(string name, string host = "127.0.0.1")
    {
        Resource.Endpoints.Add(new EndpointAnnotation(name, host, null, http2Only: true));
        return this;
    }

    public ResourceBuilder WithEnvironment(string name, string value) =>
        WithEnvironment(env => env[name] = value);

    public ResourceBuilder WithEnvironment(Action<IDictionary<string, string>> callback)
    {
        Resource.EnvironmentCallbacks.Add(callback);
        return this;
    }

    public ResourceBuilder WithArgs(params string[] args) => WithArgs(list =>
    {
        foreach (var arg in args)
            list.Add(arg);
    });

    /// <summary>Arguments computed at launch, when the endpoints have their ports.</summary>
    public ResourceBuilder WithArgs(Action<IList<string>> callback)
    {
        Resource.ArgumentCallbacks.Add(callback);
        return this;
    }

    /// <summary>
    /// Gives this resource the URLs of <paramref name="source"/>'s endpoints through Aspire's
    /// service-discovery variables: <c>services__{name}__{endpoint}__0</c> (read as
    /// <c>services:supervisor:grpc:0</c>) and <c>{NAME}_{ENDPOINT}</c>.
    /// </summary>
    public ResourceBuilder WithReference(ResourceBuilder source) => WithEnvironment(env =>
    {
        foreach (var endpoint in source.Resource.Endpoints)
        {
            var url = endpoint.Url.ToString().TrimEnd('/');
            env[$"services__{source.Resource.Name}__{endpoint.Name}__0"] = url;
            env[$"{EnvironmentName(source.Resource.Name)}_{EnvironmentName(endpoint.Name)}"] = url;
        }
    });

    /// <summary>Starts this resource only once <paramref name="dependency"/> is running and healthy.</summary>
    public ResourceBuilder WaitFor(ResourceBuilder dependency)
    {
        Resource.WaitsFor.Add(dependency.Resource);
        return this;
    }

    public ResourceBuilder WithHttpHealthCheck(string path, string endpointName)
    {
        Resource.HealthCheckPath = path;
        Resource.HealthEndpointName = endpointName;
        return this;
    }

    /// <summary>How long a graceful stop (SIGTERM) may take before the process tree is killed.</summary>
    public ResourceBuilder WithShutdownTimeout(TimeSpan timeout)
    {
        Resource.ShutdownTimeout = timeout;
        return this;
    }

    /// <summary>Resources this one starts and reports on (shown beneath it, with their own commands).</summary>
    public ResourceBuilder WithChildResources(IChildResourceSource source)
    {
        Resource.ChildResources = source;
        return this;
    }

    private static string EnvironmentName(string name) => name.ToUpperInvariant().Replace('-', '_');
}

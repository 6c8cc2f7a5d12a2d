using LlamaSwap.AppHost.Cli;
using LlamaSwap.AppHost.Hosting;
using LlamaSwap.AppHost.Supervision;
using LlamaSwap.Configuration;

namespace LlamaSwap.AppHost;

/// <summary>The LlamaSwap resource graph: the Supervisor, then the Proxy that leases upstreams from it.</summary>
internal static class LlamaSwapResources
{
    public const string Supervisor = "supervisor";
    public const string Proxy = "proxy";
    public const string GrpcEndpoint = "grpc";
    public const string HttpEndpoint = "http";

    /// <summary>The Proxy drains in-flight requests for at most this long before it is killed.</summary>
    public static readonly TimeSpan ProxyShutdownTimeout = TimeSpan.FromSeconds(10);
    /// <summary>The Supervisor stops every upstream (each within its unloadTimeout) within this bound.</summary>
    public static readonly TimeSpan SupervisorShutdownTimeout = TimeSpan.FromSeconds(20);

    public static DistributedApplicationBuilder AddLlamaSwap(
        this DistributedApplicationBuilder builder, AppHostCommandLine options, LlamaSwapConfig config, string proxyHost, int proxyPort)
    {
        var supervisor = builder.AddProject(Supervisor, "LlamaSwap.Supervisor")
            .WithHttpEndpoint(HttpEndpoint)
            .WithHttp2Endpoint(GrpcEndpoint)
            .WithConfiguration(options)
            .WithHttpHealthCheck("/health", HttpEndpoint)
            .WithShutdownTimeout(SupervisorShutdownTimeout)
            .WithChildResources(new SupervisorModelResources(config, GrpcEndpoint, TimeProvider.System));

        builder.AddProject(Proxy, "LlamaSwap.Proxy")
            .WithHttpEndpoint(HttpEndpoint, proxyHost, proxyPort)
            .WithConfiguration(options)
            .WithReference(supervisor)
            .WaitFor(supervisor)
            .WithHttpHealthCheck("/health", HttpEndpoint)
            .WithShutdownTimeout(ProxyShutdownTimeout);
        return builder;
    }

    /// <summary>Both services read the same configuration sources, as absolute paths.</summary>
    private static ResourceBuilder WithConfiguration(this ResourceBuilder resource, AppHostCommandLine options) =>
        resource.WithEnvironment(env =>
        {
            if (options.ConfigFile is { } file)
                env[ConfigSourceSettings.EnvironmentVariable(ConfigSourceSettings.FileKey)] = Path.GetFullPath(file);
            if (options.ConfigDirectory is { } directory)
                env[ConfigSourceSettings.EnvironmentVariable(ConfigSourceSettings.DirectoryKey)] = Path.GetFullPath(directory);
        });
}

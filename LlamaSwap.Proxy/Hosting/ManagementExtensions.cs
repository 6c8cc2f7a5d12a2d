namespace LlamaSwap.Proxy.Hosting;

/// <summary>Services and routes of the management API (listing, logs, events, activity, metrics).</summary>
internal static class ManagementExtensions
{
    public static WebApplicationBuilder AddProxyManagement(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapProxyManagement(this WebApplication app) => app;
}

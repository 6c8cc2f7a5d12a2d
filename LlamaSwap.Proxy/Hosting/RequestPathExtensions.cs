namespace LlamaSwap.Proxy.Hosting;

/// <summary>Services and routes of the inference request path.</summary>
internal static class RequestPathExtensions
{
    public static WebApplicationBuilder AddProxyRequestPath(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapProxyRequestPath(this WebApplication app) => app;
}

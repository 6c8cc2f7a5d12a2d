namespace LlamaSwap.Proxy.Hosting;

/// <summary>The Proxy's composition root: the request path and the management API.</summary>
public static class ProxyHostingExtensions
{
    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        builder.AddProxyRequestPath();
        builder.AddProxyManagement();
        return builder;
    }

    public static WebApplication MapProxy(this WebApplication app)
    {
        app.MapProxyRequestPath();
        app.MapProxyManagement();
        return app;
    }
}

using LlamaSwap.Proxy.Ui;

namespace LlamaSwap.Proxy.Hosting;

/// <summary>The Proxy's composition root: the request path, the management API and the web UI.</summary>
public static class ProxyHostingExtensions
{
    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        builder.AddProxyRequestPath();
        builder.AddProxyManagement();
        builder.AddProxyUi();
        return builder;
    }

    public static WebApplication MapProxy(this WebApplication app)
    {
        app.MapProxyRequestPath();
        app.MapProxyManagement();
        app.MapProxyUi();
        return app;
    }
}

using LlamaSwap.Proxy.Admission;
using LlamaSwap.Proxy.Auth;
using LlamaSwap.Proxy.Backends;
using LlamaSwap.Proxy.Cors;
using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Routing;
using LlamaSwap.Proxy.Rules;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Proxy.Telemetry;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlamaSwap.Proxy.Hosting;

/// <summary>Services and routes of the inference request path.</summary>
internal static class RequestPathExtensions
{
    /// <exception cref="ProxyStartupException">The configuration is invalid or the Supervisor's address is not set.</exception>
    public static WebApplicationBuilder AddProxyRequestPath(this WebApplicationBuilder builder)
    {
        var startup = ProxyConfigStartup.Load(builder.Configuration);
        Uri supervisor;
        try
        {
            supervisor = ServiceEndpointResolver.ResolveRequired(builder.Configuration, SupervisorAddress.ServiceName, SupervisorAddress.EndpointName);
        }
        catch (InvalidOperationException e)
        {
            startup.Dispose();
            throw new ProxyStartupException(e.Message, e);
        }

        // Audio and image uploads are forwarded, not stored: no body size limit, as in llama-swap.
        builder.WebHost.ConfigureKestrel(options => options.Limits.MaxRequestBodySize = null);

        var services = builder.Services;
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ActiveProfile>();
        services.AddSingleton<ProxyTelemetry>();

        services.AddSingleton(startup);
        services.AddSingleton<ProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<ProxyConfigProvider>());
        services.AddHostedService(sp => sp.GetRequiredService<ProxyConfigProvider>());

        services.AddSingleton(new SupervisorAddress(supervisor));
        services.AddSingleton(_ => GrpcChannel.ForAddress(supervisor));
        services.AddSingleton(sp => new SupervisorClient(sp.GetRequiredService<GrpcChannel>()));
        services.AddSingleton<SupervisorGateway>();
        services.AddSingleton<ISupervisorGateway>(sp => sp.GetRequiredService<SupervisorGateway>());
        services.AddHostedService(sp => sp.GetRequiredService<SupervisorGateway>());

        services.AddSingleton<RoutingTableCache>();
        services.AddSingleton<SelectorBalancer>();
        services.AddSingleton<ModelResolver>();
        services.AddSingleton<ConcurrencyGate>();
        services.AddSingleton<LeaseAcquirer>();
        services.AddSingleton<UpstreamClientPool>();
        services.AddSingleton<UpstreamForwarder>();
        services.AddSingleton<ModelDispatcher>();
        services.AddSingleton<RoutingTelemetry>();
        services.AddSingleton<EndpointHealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<EndpointHealthMonitor>());
        services.AddSingleton<BackendLoad>();
        services.AddSingleton<BackendResilience>();
        services.AddSingleton<TargetPicker>();
        services.AddSingleton<RuleRouter>();
        services.AddSingleton<ModelRouteHandler>();
        services.AddSingleton<UpstreamRouteHandler>();
        return builder;
    }

    public static WebApplication MapProxyRequestPath(this WebApplication app)
    {
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<NotFoundMiddleware>();
        app.UseMiddleware<UnexpectedErrorMiddleware>();
        app.UseMiddleware<CorsPreflightMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();

        var models = app.Services.GetRequiredService<ModelRouteHandler>();
        foreach (var path in ProxyRoutes.Post.Concat(ProxyRoutes.Versionless).Append(ProxyRoutes.AudioApiTasks))
        {
            var upstreamPath = ProxyRoutes.UpstreamPathOf(path);
            app.MapPost(path, context => models.HandleAsync(context, upstreamPath));
        }

        foreach (var path in ProxyRoutes.Get)
            app.MapGet(path, context => models.HandleAsync(context, path));

        var upstream = app.Services.GetRequiredService<UpstreamRouteHandler>();
        app.MapGet(ProxyRoutes.UpstreamPrefix, context =>
        {
            context.Response.Redirect(ProxyRoutes.UiModels);
            return Task.CompletedTask;
        });
        app.Map(ProxyRoutes.UpstreamPrefix + "/{**path}", upstream.HandleAsync);
        app.MapGet(ProxyRoutes.WolHealth, () => Results.Text("OK"));
        return app;
    }
}

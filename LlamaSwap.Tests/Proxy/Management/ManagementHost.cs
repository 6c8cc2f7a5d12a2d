using System.Net;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>
/// The management API on real Kestrel (127.0.0.1, dynamic port), wired to a <see cref="ScriptedSupervisor"/>
/// served over real gRPC (h2c) through <see cref="TestSupervisorGateway"/>.
/// </summary>
internal sealed class ManagementHost : IAsyncDisposable
{
    private readonly WebApplication _supervisorApp;
    private readonly TestSupervisorGateway _gateway;

    private ManagementHost(WebApplication app, WebApplication supervisorApp, TestSupervisorGateway gateway, ScriptedSupervisor supervisor, TestConfigProvider config)
    {
        App = app;
        _supervisorApp = supervisorApp;
        _gateway = gateway;
        Supervisor = supervisor;
        Config = config;
        Address = new Uri(app.Urls.Single());
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public ScriptedSupervisor Supervisor { get; }

    public TestConfigProvider Config { get; }

    public IServiceProvider Services => App.Services;

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<ManagementHost> StartAsync(string yaml, Action<WebApplicationBuilder>? configure = null, Action<ScriptedSupervisor>? script = null)
    {
        var supervisor = new ScriptedSupervisor();
        supervisor.DeclareLog("upstream");
        script?.Invoke(supervisor);
        var supervisorApp = await StartSupervisorAsync(supervisor);
        var gateway = new TestSupervisorGateway(new Uri(supervisorApp.Urls.Single()));
        var config = new TestConfigProvider(TestConfigProvider.Load(yaml));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IProxyConfigProvider>(config);
        builder.Services.AddSingleton<ISupervisorGateway>(gateway);
        builder.AddProxyManagement();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapProxyManagement();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ManagementHost(app, supervisorApp, gateway, supervisor, config);
    }

    private static async Task<WebApplication> StartSupervisorAsync(ScriptedSupervisor supervisor)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(options =>
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcServer();
        builder.Services.AddSingleton(supervisor);
        var app = builder.Build();
        app.MapGrpcService<ScriptedSupervisor>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await _gateway.DisposeAsync();
        await _supervisorApp.StopAsync(CancellationToken.None);
        await _supervisorApp.DisposeAsync();
    }
}

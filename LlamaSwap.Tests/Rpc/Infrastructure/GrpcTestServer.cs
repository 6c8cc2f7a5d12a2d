using System.Net;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Rpc.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a dynamic port and an HTTP/2-only (h2c)
/// endpoint, serving <see cref="EchoService"/> and the health service.
/// </summary>
internal sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address, CollectingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
    }

    public Uri Address { get; }

    /// <summary>host:port, the form python's grpc.insecure_channel wants.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public CollectingLoggerProvider Logs { get; }

    public EchoService Echo => _app.Services.GetRequiredService<EchoService>();

    public LlamaSwap.Rpc.Health.V1.HealthService Health => _app.Services.GetRequiredService<LlamaSwap.Rpc.Health.V1.HealthService>();

    public GrpcCallTracker Calls => _app.Services.GetRequiredService<GrpcServerRuntime>().Calls;

    public static async Task<GrpcTestServer> StartAsync(
        Action<GrpcServerOptions>? configure = null,
        Action<WebApplication>? map = null,
        HttpProtocols protocols = HttpProtocols.Http2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(options =>
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        var logs = new CollectingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddGrpcServer(configure);
        builder.Services.AddSingleton<EchoService>();

        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapGrpcHealthService();
        map?.Invoke(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new GrpcTestServer(app, new Uri(app.Urls.Single()), logs);
    }

    /// <summary>Stops the host the way a shutdown does (ApplicationStopping, then Kestrel drains).</summary>
    public Task StopAsync() => _app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

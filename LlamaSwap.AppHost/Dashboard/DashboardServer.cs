using System.Net;
using LlamaSwap.AppHost.Dashboard.Api;
using LlamaSwap.AppHost.Dashboard.Auth;
using LlamaSwap.AppHost.Dashboard.Otlp;
using LlamaSwap.AppHost.Dashboard.Telemetry;
using LlamaSwap.AppHost.Dashboard.Web;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.AppHost.Dashboard;

/// <summary>
/// The dashboard: its own Kestrel server inside the AppHost process, on <c>--dashboard</c>. One port
/// serves the web UI, the JSON API (<c>/api</c>, browser token) and the OTLP/HTTP receiver
/// (<c>/v1/traces|logs|metrics</c>, API key), so the services' OTEL_EXPORTER_OTLP_ENDPOINT is the
/// dashboard's own URL.
/// </summary>
internal sealed class DashboardServer(
    DashboardOptions options,
    ResourceNotificationService notifications,
    ResourceLogService logs,
    TelemetryRepository telemetry,
    Func<string, string, CancellationToken, Task<ResourceCommandResult>> executeCommand) : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    /// <summary>The dashboard's base URL, with the port the OS gave when <c>--dashboard</c> said 0.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The link to print: it logs the browser in (Aspire prints the same form).</summary>
    public Uri LoginUrl => options.BrowserToken is { } token
        ? new Uri(Url, $"{FrontendAuthenticator.LoginPath}?{FrontendAuthenticator.TokenQueryParameter}={token}")
        : Url;

    /// <summary>The OTLP/HTTP base URL services export to (the SDK appends /v1/traces and so on).</summary>
    public Uri OtlpEndpoint => Url;

    /// <summary>Set once the Proxy's URL is known; shown in the UI header.</summary>
    public string? ProxyUrl { get; set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DashboardServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
            Args = [],
        });
        // The AppHost's console belongs to the user: only the dashboard's own problems go there.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = OtlpHttpConstants.MaxRequestBytes * 2L;
            Listen(kestrel);
        });

        var app = builder.Build();
        var frontend = new FrontendAuthenticator(options.BrowserToken);
        var assets = new EmbeddedWebAssets();

        app.MapOtlpHttp(telemetry, new OtlpAuthenticator(options.OtlpApiKey));
        app.MapGet(FrontendAuthenticator.LoginPath, frontend.Login);
        app.UseWhen(c => c.Request.Path.StartsWithSegments(DashboardApi.Prefix), api => api.Use(async (context, next) =>
        {
            if (frontend.IsAuthorized(context.Request))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new CommandResultDto(false,
                "log in with the dashboard link the AppHost printed (…/login?t=<token>)"), DashboardJson.Options);
        }));
        new DashboardApi(notifications, logs, telemetry, executeCommand, Info, _stopping.Token).Map(app);
        // Not the default fallback pattern: that one skips paths with a file extension (the assets).
        app.MapFallback("{*path}", assets.ServeAsync);

        await app.StartAsync(cancellationToken);
        _app = app;
        Url = ResolveUrl(app);
    }

    private DashboardInfoDto Info() =>
        new("LlamaSwap", ProxyUrl, OtlpEndpoint.ToString().TrimEnd('/'), options.BrowserToken is not null, options.OtlpApiKey is not null);

    private void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel)
    {
        if (options.Host is "localhost" && options.Port != 0)
            kestrel.ListenLocalhost(options.Port);
        else if (options.Host is "localhost")
            kestrel.Listen(IPAddress.Loopback, 0); // Kestrel cannot pick one port for both loopbacks.
        else if (options.Host is "*" or "0.0.0.0" or "+")
            kestrel.ListenAnyIP(options.Port);
        else if (IPAddress.TryParse(options.Host.Trim('[', ']'), out var address))
            kestrel.Listen(address, options.Port);
        else
            throw new ArgumentException($"--dashboard host '{options.Host}' is not localhost or an IP address");
    }

    private Uri ResolveUrl(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var bound = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal));
        // ListenLocalhost reports http://localhost:port; a wildcard is reached through localhost.
        return new UriBuilder(bound) { Path = "/" }.Uri;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _stopping.Dispose();
    }
}

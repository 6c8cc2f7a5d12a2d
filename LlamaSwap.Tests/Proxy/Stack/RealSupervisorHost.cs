using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Hosting;
using LlamaSwap.Supervisor.Telemetry;
using LlamaSwap.Tests.Rpc.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>
/// The real Supervisor, composed as its <c>Program</c> composes it, in this process on real Kestrel
/// endpoints (dynamic ports), reading the stack's models.yaml and starting real upstream processes.
/// </summary>
internal sealed class RealSupervisorHost : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;
    private bool _stopped;

    private RealSupervisorHost(WebApplication app, CollectingLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
        var endpoints = app.Services.GetRequiredService<SupervisorEndpoints>();
        GrpcAddress = endpoints.GrpcAddress ?? throw new InvalidOperationException("the Supervisor's gRPC endpoint is not bound");
        HttpAddress = endpoints.HttpAddress ?? throw new InvalidOperationException("the Supervisor's HTTP endpoint is not bound");
    }

    public Uri GrpcAddress { get; }

    /// <summary>The Supervisor's HTTP endpoint (<c>/health</c>, <c>/metrics</c>).</summary>
    public Uri HttpAddress { get; }

    public CollectingLoggerProvider Logs { get; }

    public static async Task<RealSupervisorHost> StartAsync(string configPath, string directory)
    {
        var logs = new CollectingLoggerProvider();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SupervisorSettings.EndpointKey(SupervisorSettings.HttpEndpoint, "Url")] = "http://127.0.0.1:0",
            [SupervisorSettings.EndpointKey(SupervisorSettings.GrpcEndpoint, "Url")] = "http://127.0.0.1:0",
            [ConfigSourceSettings.FileKey] = configPath,
            [SupervisorSettings.StateFileKey] = Path.Combine(directory, "state", "upstreams.json"),
            [SupervisorSettings.HostIdKey] = "proxy-stack",
            [SupervisorSettings.HostNameKey] = "proxy stack (test)",
        });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Bound);
        builder.AddServiceDefaults(SupervisorTelemetry.Name);
        builder.AddSupervisor(options =>
        {
            options.ConfigWatcher = new() { PollInterval = TimeSpan.FromMilliseconds(200), Debounce = TimeSpan.FromMilliseconds(50) };
            options.NvidiaSmiPath = null;
        });

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapSupervisor();
        using var errors = new StringWriter();
        if (!app.CheckStartupConfiguration(errors))
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"the Supervisor rejected the stack configuration:\n{errors}");
        }

        await app.StartAsync(TestContext.Current.CancellationToken).WaitAsync(Bound, TestContext.Current.CancellationToken);
        return new RealSupervisorHost(app, logs);
    }

    /// <summary>Stops the Supervisor as a SIGTERM would (every upstream stopped).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        using var stopping = new CancellationTokenSource(Bound);
        await _app.StopAsync(stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}

using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Hosting;
using LlamaSwap.Supervisor.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelScheduler = LlamaSwap.Supervisor.Scheduling.ModelScheduler;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>
/// A Supervisor composed exactly as <c>Program.cs</c> composes it (<c>AddServiceDefaults</c>, <c>AddSupervisor</c>,
/// <c>MapDefaultEndpoints</c>, <c>MapSupervisor</c>), running in the test process on real Kestrel endpoints
/// (127.0.0.1, dynamic ports), with its models.yaml and state file in a temporary directory and short timings.
/// Its upstreams are real simulator processes, watched by an <see cref="UpstreamMonitor"/>; a gRPC
/// <see cref="Client"/> talks to it over h2c.
/// </summary>
internal sealed class SupervisorTestHost : IAsyncDisposable
{
    /// <summary>Upper bound of any single wait in these tests.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private bool _stopped;

    private SupervisorTestHost(WebApplication app, string directory, SupervisorTestLog log, UpstreamMonitor monitor)
    {
        _app = app;
        Directory = directory;
        Log = log;
        Monitor = monitor;
        var endpoints = app.Services.GetRequiredService<SupervisorEndpoints>();
        HttpAddress = endpoints.HttpAddress ?? throw new InvalidOperationException("the HTTP endpoint is not bound");
        GrpcAddress = endpoints.GrpcAddress ?? throw new InvalidOperationException("the gRPC endpoint is not bound");
        _channel = GrpcChannel.ForAddress(GrpcAddress);
        Client = new SupervisorClient(_channel);
    }

    public static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "models.yaml");

    public SupervisorTestLog Log { get; }

    public UpstreamMonitor Monitor { get; }

    public Uri HttpAddress { get; }

    public Uri GrpcAddress { get; }

    public GrpcChannel Channel => _channel;

    public SupervisorClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public ModelScheduler Scheduler => _app.Services.GetRequiredService<ModelScheduler>();

    /// <param name="rule">What the <see cref="Monitor"/> treats as a violation (models alive together).</param>
    public static async Task<SupervisorTestHost> StartAsync(
        TestConfig config,
        Func<IReadOnlyCollection<string>, string?>? rule = null,
        Action<SupervisorHostOptions>? configure = null,
        string hostId = "test-host")
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("llamaswap-supervisor-test-").FullName;
        File.WriteAllText(Path.Combine(directory, "models.yaml"), config.Build());
        var log = new SupervisorTestLog();
        var monitor = new UpstreamMonitor(rule);
        log.Spawned += monitor.OnSpawned;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SupervisorSettings.EndpointKey(SupervisorSettings.HttpEndpoint, "Url")] = "http://127.0.0.1:0",
            [SupervisorSettings.EndpointKey(SupervisorSettings.GrpcEndpoint, "Url")] = "http://127.0.0.1:0",
            [LlamaSwap.Configuration.ConfigSourceSettings.FileKey] = Path.Combine(directory, "models.yaml"),
            [SupervisorSettings.StateFileKey] = Path.Combine(directory, "state", "upstreams.json"),
            [SupervisorSettings.HostIdKey] = hostId,
            [SupervisorSettings.HostNameKey] = hostId + " (test)",
        });
        builder.Logging.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Bound);
        builder.AddServiceDefaults(SupervisorTelemetry.Name);
        builder.AddSupervisor(options =>
        {
            options.ConfigWatcher = new() { PollInterval = TimeSpan.FromMilliseconds(100), Debounce = TimeSpan.FromMilliseconds(50) };
            options.Scheduler = new() { StartFailureCooldown = TimeSpan.FromMilliseconds(500), AbandonGrace = TimeSpan.FromSeconds(10) };
            options.Processes = options.Processes with { StartAbortGracePeriod = TimeSpan.FromSeconds(2) };
            options.NvidiaSmiPath = null;
            configure?.Invoke(options);
        });

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapSupervisor();
        using var errors = new StringWriter();
        if (!app.CheckStartupConfiguration(errors))
        {
            await app.DisposeAsync();
            await monitor.DisposeAsync();
            throw new InvalidOperationException($"the test configuration is invalid:\n{errors}\n{config}");
        }

        await app.StartAsync(TestToken).WaitAsync(Bound, TestToken);
        return new SupervisorTestHost(app, directory, log, monitor);
    }

    /// <summary>Replaces models.yaml atomically, as an editor or a ConfigMap update would.</summary>
    public void WriteConfig(TestConfig config)
    {
        var temporary = ConfigPath + ".tmp";
        File.WriteAllText(temporary, config.Build());
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    /// <summary>A lease, bounded in how long it may take to become Ready (the lease itself has no deadline).</summary>
    public Task<SupervisorLease> AcquireAsync(string model, IProgress<AcquireEvent>? progress = null, string requestId = "") =>
        Client.AcquireAsync(new AcquireRequest { ModelId = model, RequestId = requestId }, progress, new CallOptions(CancellationToken: TestToken))
            .WaitAsync(Bound, TestToken);

    /// <summary>Watches the state (over gRPC) until <paramref name="condition"/> holds; fails with the last state seen.</summary>
    public async Task<StateSnapshot> WaitForStateAsync(Func<StateSnapshot, bool> condition, string what)
    {
        StateSnapshot? last = null;
        try
        {
            using var call = Client.WatchState(options: new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
            await foreach (var snapshot in call.ReadAllAsync(TestToken))
            {
                last = snapshot;
                if (condition(snapshot))
                    return snapshot;
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
        }

        throw new TimeoutException($"timed out waiting for {what}; last state: {Describe(last)}");
    }

    public Task<StateSnapshot> WaitForModelAsync(string model, ModelState state) =>
        WaitForStateAsync(s => Model(s, model).State == state, $"{model} to be {state}");

    public static ModelStatus Model(StateSnapshot snapshot, string model) =>
        snapshot.Models.FirstOrDefault(m => m.ModelId == model) ?? throw new InvalidOperationException($"no model {model} in the state");

    public static string Describe(StateSnapshot? snapshot) => snapshot is null
        ? "none"
        : $"generation {snapshot.ConfigGeneration}: " + string.Join("; ", snapshot.Models.Select(m => $"{m.ModelId}={m.State} pid={m.Pid} leases={m.InFlightLeases} queued={m.Queued}"));

    /// <summary>
    /// Reads a log source over gRPC (history, then live output) until its text satisfies <paramref name="condition"/>;
    /// returns the text read.
    /// </summary>
    public async Task<string> WaitForLogAsync(string source, Func<string, bool> condition)
    {
        var text = new System.Text.StringBuilder();
        try
        {
            using var call = Client.StreamLogs(new StreamLogsRequest { Source = source }, new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
            await foreach (var chunk in call.ReadAllAsync(TestToken))
            {
                text.Append(chunk.Data.ToStringUtf8());
                if (condition(text.ToString()))
                    return text.ToString();
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
        }

        throw new TimeoutException($"log source {source} never showed what was expected; it showed:\n{text}");
    }

    /// <summary>Stops the host as a SIGTERM would (every upstream stopped within the shutdown timeout).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        using var stopping = new CancellationTokenSource(Bound);
        await _app.StopAsync(stopping.Token);
    }

    /// <summary>An HTTP client for an upstream URL handed out in Ready.</summary>
    public static HttpClient UpstreamClient(string baseUrl) => new() { BaseAddress = new Uri(baseUrl), Timeout = Bound };

    /// <summary>
    /// Stops the host (which stops every upstream), then checks what the test cannot see from outside: no
    /// upstream process is left, and the scheduler's loop never faulted.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var scheduler = Scheduler;
        _channel.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
        await Monitor.DisposeAsync();
        try
        {
            await Monitor.WaitUntilNoneAliveAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        Assert.Equal(0, scheduler.LoopFaults);
        Assert.Empty(Log.Faults);
    }
}

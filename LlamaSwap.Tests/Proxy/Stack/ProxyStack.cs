using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Rpc.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>
/// A Proxy test stack over real sockets: the Proxy built by its own composition methods, listening on a
/// real Kestrel port in this process, talking gRPC to a Supervisor (the real one, or a
/// <see cref="TestSupervisor"/> where a test injects faults), which runs real upstream processes.
/// </summary>
internal sealed class ProxyStack : IAsyncDisposable
{
    private readonly string _directory;
    private readonly GrpcChannel _channel;

    private ProxyStack(string directory, StackConfig config, RealSupervisorHost? real, TestSupervisor? fake, Uri supervisorAddress,
        WebApplication proxy, CollectingLoggerProvider logs)
    {
        _directory = directory;
        Config = config;
        Real = real;
        Fake = fake;
        Proxy = proxy;
        Logs = logs;
        Address = new Uri(proxy.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal)));
        _channel = GrpcChannel.ForAddress(supervisorAddress);
        Supervisor = new SupervisorClient(_channel);
    }

    public StackConfig Config { get; }

    /// <summary>The real Supervisor, unless the stack runs a <see cref="TestSupervisor"/>.</summary>
    public RealSupervisorHost? Real { get; }

    /// <summary>The fault-injecting Supervisor, when the stack was started with one.</summary>
    public TestSupervisor? Fake { get; }

    /// <summary>A gRPC client of whichever Supervisor the stack runs, for the test's own look at its state.</summary>
    public SupervisorClient Supervisor { get; }

    public WebApplication Proxy { get; }

    public CollectingLoggerProvider Logs { get; }

    /// <summary>The Proxy's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public string BaseUrl => Address.ToString().TrimEnd('/');

    public string ConfigPath => Path.Combine(_directory, "models.yaml");

    public T Service<T>()
        where T : notnull => Proxy.Services.GetRequiredService<T>();

    /// <summary>A stack with the real Supervisor.</summary>
    public static Task<ProxyStack> StartAsync(StackConfig config) => StartAsync(config, useTestSupervisor: false, null);

    /// <summary>A stack with a <see cref="TestSupervisor"/>, for tests that inject faults.</summary>
    public static Task<ProxyStack> StartWithTestSupervisorAsync(StackConfig config, Action<TestSupervisor>? configure = null) =>
        StartAsync(config, useTestSupervisor: true, configure);

    private static async Task<ProxyStack> StartAsync(StackConfig config, bool useTestSupervisor, Action<TestSupervisor>? configure)
    {
        var directory = Directory.CreateTempSubdirectory("llamaswap-proxy-").FullName;
        var configPath = Path.Combine(directory, "models.yaml");
        await File.WriteAllTextAsync(configPath, config.ToYaml(), TestContext.Current.CancellationToken);
        var loaded = ConfigLoader.Load(new ConfigSource(configPath));
        Assert.True(loaded.Succeeded, string.Join('\n', loaded.Errors) + "\n" + config);

        RealSupervisorHost? real = null;
        TestSupervisor? fake = null;
        try
        {
            Uri supervisorAddress;
            if (useTestSupervisor)
            {
                fake = await TestSupervisor.StartAsync(loaded.Config);
                configure?.Invoke(fake);
                supervisorAddress = fake.Address;
            }
            else
            {
                real = await RealSupervisorHost.StartAsync(configPath, directory);
                supervisorAddress = real.GrpcAddress;
            }

            var logs = new CollectingLoggerProvider();
            var proxy = await StartProxyAsync(configPath, supervisorAddress, logs);
            return new ProxyStack(directory, config, real, fake, supervisorAddress, proxy, logs);
        }
        catch
        {
            if (real is not null)
                await real.DisposeAsync();
            if (fake is not null)
                await fake.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds and starts the Proxy the way <c>Program</c> does, with test configuration.</summary>
    public static async Task<WebApplication> StartProxyAsync(string configPath, Uri supervisor, CollectingLoggerProvider logs,
        IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ProxyHostingExtensions).Assembly.GetName().Name,
            ContentRootPath = Path.GetDirectoryName(configPath),
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigSourceSettings.FileKey] = configPath,
            ["services:supervisor:grpc:0"] = supervisor.ToString(),
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.AddServiceDefaults("LlamaSwap.Proxy");
        builder.AddProxy();

        var app = builder.Build();
        app.MapDefaultEndpoints(ProxyHealthResponse.Options);
        app.MapProxy();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    /// <summary>
    /// A client of the Proxy. Disposing a response it has not read to the end closes the connection at once
    /// (no draining), as a client that quits does.
    /// </summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = Address, Timeout = timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan };

    /// <summary>The Supervisor's view of one model right now.</summary>
    public async Task<ModelStatus> StatusAsync(string model)
    {
        var state = await Supervisor.GetStateAsync(options: new CallOptions(CancellationToken: TestContext.Current.CancellationToken)).DefaultTimeout();
        return state.Models.Single(m => m.ModelId == model);
    }

    /// <summary>Watches the Supervisor's state until the model's status satisfies <paramref name="condition"/>.</summary>
    public async Task<ModelStatus> WaitForStatusAsync(string model, Func<ModelStatus, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        ModelStatus? last = null;
        try
        {
            using var call = Supervisor.WatchState(options: new CallOptions(CancellationToken: deadline.Token));
            await foreach (var snapshot in call.ReadAllAsync(deadline.Token))
            {
                last = snapshot.Models.Single(m => m.ModelId == model);
                if (condition(last))
                    return last;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or LlamaSwap.Rpc.RpcException && deadline.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"model {model} never got {what}; last: {last}");
    }

    /// <summary>Reads a model's process output from the Supervisor (history, then live) until it contains <paramref name="text"/>.</summary>
    public async Task WaitForUpstreamLogAsync(string model, string text, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        var seen = new System.Text.StringBuilder();
        try
        {
            using var call = Supervisor.StreamLogs(new StreamLogsRequest { Source = model }, new CallOptions(CancellationToken: deadline.Token));
            await foreach (var chunk in call.ReadAllAsync(deadline.Token))
            {
                seen.Append(chunk.Data.ToStringUtf8());
                if (seen.ToString().Contains(text, StringComparison.Ordinal))
                    return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or LlamaSwap.Rpc.RpcException && deadline.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"the output of {model} never showed \"{text}\"; it showed:\n{seen}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Proxy.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            await Proxy.DisposeAsync();
            _channel.Dispose();
            if (Real is not null)
                await Real.DisposeAsync();
            if (Fake is not null)
                await Fake.DisposeAsync();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }
    }
}

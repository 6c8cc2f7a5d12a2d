using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Hosting;
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
/// real Kestrel port in this process, talking gRPC to a <see cref="TestSupervisor"/>, which runs real
/// simulator processes.
/// </summary>
internal sealed class ProxyStack : IAsyncDisposable
{
    private readonly string _directory;

    private ProxyStack(string directory, TestSupervisor supervisor, WebApplication proxy, CollectingLoggerProvider logs)
    {
        _directory = directory;
        Supervisor = supervisor;
        Proxy = proxy;
        Logs = logs;
        Address = new Uri(proxy.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal)));
    }

    public TestSupervisor Supervisor { get; }

    public WebApplication Proxy { get; }

    public CollectingLoggerProvider Logs { get; }

    /// <summary>The Proxy's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public string BaseUrl => Address.ToString().TrimEnd('/');

    public string ConfigPath => Path.Combine(_directory, "models.yaml");

    public T Service<T>()
        where T : notnull => Proxy.Services.GetRequiredService<T>();

    public static async Task<ProxyStack> StartAsync(StackConfig config, Action<TestSupervisor>? configureSupervisor = null)
    {
        var directory = Directory.CreateTempSubdirectory("llamaswap-proxy-").FullName;
        var configPath = Path.Combine(directory, "models.yaml");
        await File.WriteAllTextAsync(configPath, config.ToYaml(), TestContext.Current.CancellationToken);
        var loaded = ConfigLoader.Load(new ConfigSource(configPath));
        Assert.True(loaded.Succeeded, string.Join('\n', loaded.Errors));

        var supervisor = await TestSupervisor.StartAsync(loaded.Config);
        configureSupervisor?.Invoke(supervisor);
        try
        {
            var logs = new CollectingLoggerProvider();
            var proxy = await StartProxyAsync(configPath, supervisor.Address, logs);
            return new ProxyStack(directory, supervisor, proxy, logs);
        }
        catch
        {
            await supervisor.DisposeAsync();
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
        app.MapDefaultEndpoints();
        app.MapProxy();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new() { BaseAddress = Address, Timeout = timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan };

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Proxy.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            await Proxy.DisposeAsync();
            await Supervisor.DisposeAsync();
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

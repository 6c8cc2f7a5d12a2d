using LlamaSwap.AppHost.Dashboard;
using LlamaSwap.AppHost.Hosting;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;
using LlamaSwap.AppHost.Supervision;
using LlamaSwap.Configuration;

namespace LlamaSwap.Tests.AppHost;

/// <summary>The environment the AppHost gives its services: Aspire's variable names and values.</summary>
public sealed class ProjectEnvironmentTests
{
    private static readonly OtlpExporterTarget Dashboard = new("http://localhost:18888", "http/protobuf", "x-otlp-api-key=k1", IsUserProvided: false);

    private static (ResourceBuilder Supervisor, ResourceBuilder Proxy) Graph()
    {
        var builder = new DistributedApplicationBuilder(_ => null);
        var supervisor = builder.AddProject("supervisor", "LlamaSwap.Supervisor").WithHttpEndpoint("http", port: 5100).WithHttp2Endpoint("grpc");
        supervisor.Resource.GetEndpoint("grpc").Port = 5101;
        var proxy = builder.AddProject("proxy", "LlamaSwap.Proxy").WithHttpEndpoint("http", "localhost", 8080).WithReference(supervisor).WaitFor(supervisor);
        return (supervisor, proxy);
    }

    [Fact]
    public void TheProxyGetsItsUrlTheSupervisorsAddressesAndTheOpenTelemetryWiring()
    {
        var (_, proxy) = Graph();

        var env = ProjectEnvironment.Build(proxy.Resource, new Dictionary<string, string>(), Dashboard);

        Assert.Equal("http://localhost:8080", env["ASPNETCORE_URLS"]);
        Assert.Equal("http://127.0.0.1:5101", env["services__supervisor__grpc__0"]);
        Assert.Equal("http://127.0.0.1:5100", env["services__supervisor__http__0"]);
        Assert.Equal("http://127.0.0.1:5101", env["SUPERVISOR_GRPC"]);
        Assert.Equal("http://localhost:18888", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("x-otlp-api-key=k1", env["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("proxy", env["OTEL_SERVICE_NAME"]);
        Assert.Equal($"service.instance.id={proxy.Resource.InstanceId}", env["OTEL_RESOURCE_ATTRIBUTES"]);
        foreach (var name in new[] { "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL" })
            Assert.Equal("1000", env[name]);
        Assert.Equal("always_on", env["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("trace_based", env["OTEL_METRICS_EXEMPLAR_FILTER"]);
        Assert.Equal("in_memory", env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
        Assert.Equal("true", env["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"]);
        Assert.Equal("simple", env["LOGGING__CONSOLE__FORMATTERNAME"]);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), env["LLAMASWAP_APPHOST_PID"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Kestrel__", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSupervisorsGrpcEndpointIsHttp2OnlyThroughKestrelSettingsOnItsCommandLine()
    {
        var (supervisor, proxy) = Graph();

        var env = ProjectEnvironment.Build(supervisor.Resource, new Dictionary<string, string>(), Dashboard);
        var arguments = ProjectEnvironment.EndpointArguments(supervisor.Resource);

        Assert.Equal(
            ["--Kestrel:Endpoints:http:Url=http://127.0.0.1:5100", "--Kestrel:Endpoints:grpc:Url=http://127.0.0.1:5101", "--Kestrel:Endpoints:grpc:Protocols=Http2"],
            arguments);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Kestrel__", StringComparison.Ordinal) || k == "ASPNETCORE_URLS");
        Assert.Equal("supervisor", env["OTEL_SERVICE_NAME"]);
        Assert.Empty(ProjectEnvironment.EndpointArguments(proxy.Resource));
    }

    [Fact]
    public void AUsersOwnOtlpEndpointIsLeftToTheInheritedEnvironment()
    {
        var (_, proxy) = Graph();
        var user = new OtlpExporterTarget("http://jaeger:4317", null, null, IsUserProvided: true);

        var env = ProjectEnvironment.Build(proxy.Resource, new Dictionary<string, string>(), user);

        Assert.False(env.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.False(env.ContainsKey("OTEL_EXPORTER_OTLP_PROTOCOL"));
        Assert.False(env.ContainsKey("OTEL_EXPORTER_OTLP_HEADERS"));
        Assert.Equal("proxy", env["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void WithoutADashboardOrEndpointNoOpenTelemetryVariablesAreSet()
    {
        var (_, proxy) = Graph();
        var env = ProjectEnvironment.Build(proxy.Resource, new Dictionary<string, string> { ["SHARED"] = "1" }, otlp: null);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("OTEL_", StringComparison.Ordinal));
        Assert.Equal("1", env["SHARED"]);
    }

    [Theory]
    [InlineData(null, null, null, true, true)]
    [InlineData("Unsecured", null, null, false, true)]
    [InlineData(null, "unsecured", null, true, false)]
    [InlineData(null, null, "true", false, false)]
    public void DashboardAuthModesFollowAspiresVariables(string? frontendMode, string? otlpMode, string? allowAnonymous, bool token, bool apiKey)
    {
        var env = new Dictionary<string, string?>
        {
            [DashboardConfigNames.FrontendAuthMode] = frontendMode,
            [DashboardConfigNames.OtlpAuthMode] = otlpMode,
            [DashboardConfigNames.UnsecuredAllowAnonymous] = allowAnonymous,
        };

        var options = DashboardOptions.Create("localhost", 18888, n => env.GetValueOrDefault(n));

        Assert.Equal(token, options.BrowserToken is { Length: 32 });
        Assert.Equal(apiKey, options.OtlpApiKey is { Length: 32 });
    }

    [Fact]
    public void FixedSecretsAreUsedAndUnknownModesNamed()
    {
        var options = DashboardOptions.Create("localhost", 0, n => n switch
        {
            DashboardConfigNames.FrontendBrowserToken => "tok",
            DashboardConfigNames.OtlpPrimaryApiKey => "key",
            _ => null,
        });
        Assert.Equal(("tok", "key"), (options.BrowserToken, options.OtlpApiKey));

        var error = Assert.Throws<ArgumentException>(() => DashboardOptions.Create("localhost", 0, n => n == DashboardConfigNames.OtlpAuthMode ? "Certificate" : null));
        Assert.Contains("DASHBOARD__OTLP__AUTHMODE='Certificate'", error.Message);
    }

    [Fact]
    public async Task UpstreamModelsAppearAsChildResourcesOfTheSupervisorFromTheConfiguration()
    {
        var config = ConfigLoader.Load(new ConfigSource(WriteConfig())).Config!;
        var notifications = new ResourceNotificationService();
        var source = new SupervisorModelResources(config, "grpc", TimeProvider.System);
        var builder = new DistributedApplicationBuilder(_ => null);
        var supervisor = builder.AddProject("supervisor", "LlamaSwap.Supervisor").WithHttp2Endpoint("grpc");
        supervisor.Resource.GetEndpoint("grpc").Port = 1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var running = source.RunAsync(supervisor.Resource, notifications, new ResourceLogService(TimeProvider.System), stop.Token);
        var qwen = await notifications.WaitForResourceAsync("qwen", _ => true, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(("supervisor", KnownResourceTypes.Upstream, KnownResourceStates.NotStarted), (qwen.Parent, qwen.ResourceType, qwen.State));
        Assert.Equal($"server --port {config.Models["qwen"].Port} --model qwen", qwen.Command);
        Assert.Equal("1", qwen.Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal(KnownResourceCommands.All, qwen.Commands);
        Assert.Equal("Qwen", qwen.Properties["displayName"]);
        Assert.Equal("model-proxy", notifications.TryGet("model-proxy")?.Name);
        var result = await source.ExecuteCommandAsync("nope", KnownResourceCommands.Start, TestContext.Current.CancellationToken);
        Assert.False(result.Succeeded);
    }

    private static string WriteConfig()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("llamaswap-apphost-").FullName, "models.yaml");
        File.WriteAllText(path, """
            startPort: 9100
            models:
              qwen:
                name: Qwen
                cmd: |
                  server --port ${PORT}
                  --model qwen
                env: ["CUDA_VISIBLE_DEVICES=1"]
              proxy:
                cmd: server --port ${PORT}
            """);
        return path;
    }
}

using System.Net;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>One real AppHost with its real Supervisor and Proxy processes, shared by the tests of this class.</summary>
public sealed class RunningAppHostFixture : IAsyncLifetime
{
    internal AppHostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("alpha", "beta"));

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The AppHost started as a user starts it: real processes, real ports, the dashboard's API.</summary>
public sealed class AppHostProcessTests(RunningAppHostFixture fixture) : IClassFixture<RunningAppHostFixture>
{
    private AppHostProcess Host => fixture.Host;

    private static string State(JsonElement r) => r.GetProperty("state").GetString()!;
    private static int? Pid(JsonElement r) => r.GetProperty("pid").ValueKind == JsonValueKind.Number ? r.GetProperty("pid").GetInt32() : null;

    [Fact]
    public async Task ItPrintsTheDashboardLoginLinkAndTheProxyUrlWithTheirActualPorts()
    {
        Assert.Equal($"{Host.DashboardUrl}login?t={AppHostProcess.BrowserToken}", Host.LoginUrl);
        Assert.NotEqual(0, Host.DashboardUrl.Port);
        Assert.NotEqual(0, Host.ProxyUrl.Port);
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(Host.ProxyUrl, "/health"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task TheDashboardListsTheServicesRunningAndEachModelAsAChildOfTheSupervisor()
    {
        var supervisor = await Host.WaitForResourceAsync("supervisor", r => State(r) == "Running");
        var proxy = await Host.WaitForResourceAsync("proxy", r => State(r) == "Running");
        var resources = await Host.ResourcesAsync();

        Assert.True(ProcessTable.IsAlive(Pid(supervisor)!.Value));
        Assert.True(ProcessTable.IsAlive(Pid(proxy)!.Value));
        var proxyEnv = proxy.GetProperty("environment");
        var grpcUrl = proxyEnv.GetProperty("services__supervisor__grpc__0").GetString();
        Assert.Contains($"--Kestrel:Endpoints:grpc:Url={grpcUrl} --Kestrel:Endpoints:grpc:Protocols=Http2", supervisor.GetProperty("command").GetString());
        Assert.Contains(grpcUrl, supervisor.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(Host.ProxyUrl.ToString().TrimEnd('/'), proxyEnv.GetProperty("ASPNETCORE_URLS").GetString());
        Assert.Equal("proxy", proxyEnv.GetProperty("OTEL_SERVICE_NAME").GetString());
        Assert.Equal(Host.DashboardUrl.ToString().TrimEnd('/'), proxyEnv.GetProperty("OTEL_EXPORTER_OTLP_ENDPOINT").GetString());
        Assert.Equal($"x-otlp-api-key={AppHostProcess.OtlpApiKey}", proxyEnv.GetProperty("OTEL_EXPORTER_OTLP_HEADERS").GetString());
        foreach (var model in new[] { "alpha", "beta" })
        {
            Assert.Equal("supervisor", resources[model].GetProperty("parent").GetString());
            Assert.Equal("Upstream", resources[model].GetProperty("type").GetString());
            Assert.Contains($"--model {model}", resources[model].GetProperty("command").GetString());
        }
    }

    [Fact]
    public async Task BothServicesSendTheirTelemetryToTheDashboard()
    {
        var proxy = await Host.WaitForResourceAsync("proxy", r => State(r) == "Running");
        var instance = proxy.GetProperty("environment").GetProperty("OTEL_RESOURCE_ATTRIBUTES").GetString()!.Split('=')[1];

        var seen = await Host.Api.WaitForJsonAsync("/api/telemetry/resources",
            list => new[] { "proxy", "supervisor" }.All(s => list.EnumerateArray().Any(r => r.GetProperty("name").GetString() == s)));
        Assert.Contains(seen.EnumerateArray(), r => r.GetProperty("name").GetString() == "proxy" && r.GetProperty("instanceId").GetString() == instance);
        await Host.Api.WaitForJsonAsync("/api/metrics/instruments?resource=supervisor", list => list.GetArrayLength() > 0);
    }

    [Fact]
    public async Task ConsoleOutputOfEachServiceIsCaptured()
    {
        var proxy = await Host.WaitForResourceAsync("proxy", r => State(r) == "Running");
        var port = new Uri(proxy.GetProperty("urls")[0].GetString()!).Port;

        await Host.Api.WaitForJsonAsync("/api/console/proxy",
            lines => lines.EnumerateArray().Any(l => l.GetProperty("text").GetString()!.Contains($"Now listening on: http://127.0.0.1:{port}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AProxyKilledWithSigkillIsRestartedAndServesAgain()
    {
        var before = await Host.WaitForResourceAsync("proxy", r => State(r) == "Running");
        var oldPid = Pid(before)!.Value;
        var restarts = before.GetProperty("restarts").GetInt32();

        Assert.True(ProcessSignals.Send(oldPid, ProcessSignals.SigKill));

        var after = await Host.WaitForResourceAsync("proxy", r => State(r) == "Running" && Pid(r) != oldPid && r.GetProperty("restarts").GetInt32() > restarts);
        Assert.True(ProcessTable.IsAlive(Pid(after)!.Value));
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(Host.ProxyUrl, "/health"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var console = await Host.Api.GetJsonAsync("/api/console/proxy");
        Assert.Contains(console.EnumerateArray(), l => l.GetProperty("text").GetString()!.Contains("exited with code 137; restarting in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStopStartAndRestartCommandsControlAService()
    {
        var before = await Host.WaitForResourceAsync("proxy", r => State(r) == "Running");
        var firstPid = Pid(before)!.Value;

        var stopped = await Host.Api.PostCommandAsync("proxy", "stop");
        Assert.True(stopped.GetProperty("succeeded").GetBoolean(), stopped.ToString());
        await ProcessTable.WaitForExitAsync(firstPid, TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        await Host.WaitForResourceAsync("proxy", r => State(r) == "Exited");
        Assert.False((await Host.Api.PostCommandAsync("proxy", "stop")).GetProperty("succeeded").GetBoolean());

        Assert.True((await Host.Api.PostCommandAsync("proxy", "start")).GetProperty("succeeded").GetBoolean());
        var started = await Host.WaitForResourceAsync("proxy", r => State(r) == "Running" && Pid(r) != firstPid);
        var secondPid = Pid(started)!.Value;

        Assert.True((await Host.Api.PostCommandAsync("proxy", "restart")).GetProperty("succeeded").GetBoolean());
        await Host.WaitForResourceAsync("proxy", r => State(r) == "Running" && Pid(r) != secondPid);
        Assert.False(ProcessTable.IsAlive(secondPid));
    }
}

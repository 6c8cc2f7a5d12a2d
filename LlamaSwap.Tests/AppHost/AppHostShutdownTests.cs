using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>AppHosts of their own: these tests end them.</summary>
public sealed class AppHostShutdownTests
{
    [Fact]
    public async Task SigtermStopsEveryProcessTheAppHostStartedWithinTheBound()
    {
        await using var host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("alpha"));
        await host.WaitForResourceAsync("proxy", r => r.GetProperty("state").GetString() == "Running");
        var resources = await host.ResourcesAsync();
        var pids = resources.Values.Where(r => r.GetProperty("pid").ValueKind == JsonValueKind.Number).Select(r => r.GetProperty("pid").GetInt32()).ToList();
        Assert.True(pids.Count >= 2, $"the services' pids are known: {string.Join(", ", pids)}");

        Assert.True(host.Signal(ProcessSignals.SigTerm));
        var exitCode = await host.WaitForExitAsync(AppHostProcess.ShutdownBound);

        Assert.Equal(0, exitCode);
        foreach (var pid in pids.Concat(host.SeenPids))
            Assert.False(ProcessTable.IsAlive(pid), $"process {pid} outlived the AppHost");
        await host.Output.WaitForLineContainingAsync("Stopped.", TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ServicesSendTelemetryToTheUsersOwnOtlpEndpointWhenOneIsSet()
    {
        await using var backend = await InProcessDashboard.StartAsync(secured: false);
        var endpoint = backend.Url.ToString().TrimEnd('/');
        await using var host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("alpha"), new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });

        await host.Output.WaitForLineContainingAsync($"services send telemetry to {endpoint} (OTEL_EXPORTER_OTLP_ENDPOINT)", TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && new[] { "proxy", "supervisor" }.Any(s => !backend.Telemetry.GetResources().Any(r => r.Key.ServiceName == s)))
            await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(["proxy", "supervisor"], backend.Telemetry.GetResources().Select(r => r.Key.ServiceName).Distinct().Order());

        var proxy = await host.WaitForResourceAsync("proxy", r => r.GetProperty("state").GetString() == "Running");
        Assert.False(proxy.GetProperty("environment").TryGetProperty("OTEL_EXPORTER_OTLP_HEADERS", out _));
        Assert.Empty((await host.Api.GetJsonAsync("/api/telemetry/resources")).EnumerateArray());
    }
}

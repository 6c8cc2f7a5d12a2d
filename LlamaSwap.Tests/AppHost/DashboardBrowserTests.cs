using System.Diagnostics;
using System.Text.Json;
using LlamaSwap.AppHost.Dashboard.Otlp;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlamaSwap.Tests.AppHost;

/// <summary>
/// Each dashboard page in a real browser (Debian's chromium, driven by npm playwright-core from the test suite's
/// browser runner, LlamaSwap.Tests/Ui/browser): it must
/// render its data without script errors. Screenshots are kept in
/// <c>LlamaSwap.Tests/bin/&lt;configuration&gt;/net10.0/artifacts/dashboard/</c>.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string ArtifactsDirectory = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard");

    private sealed record PageSpec(string Name, string Hash, string WaitFor, string[] Expect, string Theme = "light", string? Click = null, string? WaitAfterClick = null);

    [Fact]
    public async Task EveryPageRendersItsDataInChromium()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (.ci/install-prerequisites)");
        await using var host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("qwen", "llama"));
        await host.WaitForResourceAsync("proxy", r => r.GetProperty("state").GetString() == "Running");
        var traceId = SendColdRequestTelemetry(host.DashboardUrl);
        await host.Api.WaitForJsonAsync($"/api/traces/{traceId}", t => t.GetProperty("spans").GetArrayLength() == 7);
        await host.Api.WaitForJsonAsync("/api/traces?limit=200", l => l.EnumerateArray().Any(t => t.GetProperty("traceId").GetString() == traceId));
        await host.Api.WaitForJsonAsync("/api/metrics/instruments?resource=proxy", i => i.EnumerateArray().Any(m => m.GetProperty("name").GetString() == "dotnet.assembly.count"));
        await host.Api.WaitForJsonAsync("/api/logs?text=Swapping", l => l.GetArrayLength() == 1);

        PageSpec[] pages =
        [
            new("resources", "#/resources", "tr[data-resource=qwen]", ["proxy", "supervisor", "qwen", "llama", "Running"]),
            new("resource-details-dark", "#/resources", "tr[data-resource=proxy]", ["OTEL_SERVICE_NAME", "services__supervisor__grpc__0"], "dark", "tr[data-resource=proxy]", ".details"),
            new("console-logs", "#/console/proxy", ".line", ["Now listening on"]),
            new("structured-logs", "#/logs?level=information&text=qwen", "tbody tr", ["Swapping llama out for qwen", "WARN", "Model qwen took 2.2s to become ready"]),
            new("traces", "#/traces", $"tr[data-trace='{traceId}']", ["proxy request", "supervisor"]),
            new("trace-waterfall", $"#/traces/{traceId}", "[data-span=forward]", ["acquire", "swap", "stop model", "start model", "readiness wait", "forward"], Click: "[data-span='start model']", WaitAfterClick: ".span-details"),
            new("metrics", "#/metrics?resource=proxy&name=dotnet.assembly.count", "svg[aria-label=chart]", ["dotnet.assembly.count", "dotnet.gc.collections"]),
            new("traces-dark", "#/traces", $"tr[data-trace='{traceId}']", ["proxy request"], "dark"),
        ];

        var results = await RunBrowserAsync(host.LoginUrl, pages);

        foreach (var spec in pages)
        {
            var result = results.Single(r => r.GetProperty("name").GetString() == spec.Name);
            Assert.True(result.GetProperty("ok").GetBoolean(), $"page {spec.Name}: {result}");
            Assert.Empty(result.GetProperty("errors").EnumerateArray());
            var text = result.GetProperty("text").GetString()!;
            foreach (var expected in spec.Expect)
                Assert.True(text.Contains(expected, StringComparison.Ordinal), $"page {spec.Name} does not show '{expected}':\n{text}");
            Assert.True(new FileInfo(Path.Combine(ArtifactsDirectory, spec.Name + ".png")).Length > 10_000, $"screenshot of {spec.Name}");
        }
    }

    /// <summary>A trace shaped like a cold request (the Proxy waits while the Supervisor swaps models), from the real SDK.</summary>
    private static string SendColdRequestTelemetry(Uri dashboard)
    {
        void Exporter(OtlpExporterOptions o, string path)
        {
            o.Endpoint = new Uri(dashboard, path);
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Headers = $"{OtlpHttpConstants.ApiKeyHeader}={AppHostProcess.OtlpApiKey}";
        }
        // Sources of its own: a listener for LlamaSwap.Proxy here would also export the spans of every in-process
        // Proxy other tests run meanwhile, crowding this trace out of the newest-first list.
        using var proxySource = new ActivitySource("LlamaSwap.Tests.Dashboard.Proxy");
        using var supervisorSource = new ActivitySource("LlamaSwap.Tests.Dashboard.Supervisor");
        using var proxyTraces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("proxy", serviceInstanceId: "browser-test"))
            .AddSource(proxySource.Name).AddOtlpExporter(o => Exporter(o, OtlpHttpConstants.TracesPath)).Build();
        using var supervisorTraces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("supervisor", serviceInstanceId: "browser-test"))
            .AddSource(supervisorSource.Name).AddOtlpExporter(o => Exporter(o, OtlpHttpConstants.TracesPath)).Build();
        using var logs = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("supervisor", serviceInstanceId: "browser-test"));
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => Exporter(e, OtlpHttpConstants.LogsPath));
        }));
        var logger = logs.CreateLogger("LlamaSwap.Supervisor.Scheduling");

        var start = DateTimeOffset.UtcNow.AddSeconds(-3);
        Activity Span(ActivitySource source, string name, Activity? parent, double from, double to, ActivityKind kind = ActivityKind.Internal)
        {
            var activity = source.StartActivity(name, kind, parent?.Context ?? default, startTime: start.AddMilliseconds(from))!;
            activity.SetTag("gen_ai.request.model", "qwen");
            activity.SetEndTime(start.AddMilliseconds(to).UtcDateTime);
            return activity;
        }
        var request = Span(proxySource, "proxy request", null, 0, 2450, ActivityKind.Server);
        request.SetTag("http.request.method", "POST");
        request.SetTag("url.path", "/v1/chat/completions");
        var acquire = Span(proxySource, "acquire", request, 5, 2300, ActivityKind.Client);
        var swap = Span(supervisorSource, "swap", acquire, 12, 2290);
        swap.AddEvent(new ActivityEvent("queued", start.AddMilliseconds(14)));
        using (logger.BeginScope("swap"))
        {
            Activity.Current = swap;
            logger.LogInformation("Swapping {Old} out for {New}", "llama", "qwen");
            logger.LogWarning("Model {Model} took {Seconds}s to become ready", "qwen", 2.2);
            Activity.Current = null;
        }
        var stop = Span(supervisorSource, "stop model", swap, 15, 240);
        stop.SetTag("llamaswap.model", "llama");
        var startModel = Span(supervisorSource, "start model", swap, 245, 2285);
        var readiness = Span(supervisorSource, "readiness wait", startModel, 300, 2280);
        readiness.SetTag("llamaswap.readiness.attempts", 21);
        var forward = Span(proxySource, "forward", request, 2305, 2445, ActivityKind.Client);
        foreach (var activity in new[] { forward, readiness, startModel, stop, swap, acquire, request })
            activity.Dispose();
        Assert.True(proxyTraces.ForceFlush(10_000) && supervisorTraces.ForceFlush(10_000), "the exporters did not flush");
        return request.TraceId.ToHexString();
    }

    private static async Task<List<JsonElement>> RunBrowserAsync(string loginUrl, PageSpec[] pages)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        // The one browser runner install of the test suite (the Proxy UI's tests use it too).
        var playwright = Path.Combine(LlamaSwap.Tests.Ui.BrowserScenario.RunnerFolder, "node_modules", "playwright-core", "index.mjs");
        Assert.True(File.Exists(playwright), $"{playwright} is missing: run `npm ci` in {LlamaSwap.Tests.Ui.BrowserScenario.RunnerFolder} (.ci/install-prerequisites does)");
        var configPath = Path.Combine(ArtifactsDirectory, "browser-config.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(new
        {
            playwrightCore = playwright,
            chromium = Chromium,
            loginUrl,
            outDir = ArtifactsDirectory,
            timeoutMs = 20_000,
            pages = pages.Select(p => new { p.Name, p.Hash, p.WaitFor, p.Theme, p.Click, p.WaitAfterClick }),
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web)), TestContext.Current.CancellationToken);

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AppHost", "Browser", "screenshots.mjs"));
        start.ArgumentList.Add(configPath);
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = node.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await node.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        Assert.True(node.ExitCode == 0, $"the browser script failed ({node.ExitCode}):\n{await stderr}\n{await stdout}");
        return [.. (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}

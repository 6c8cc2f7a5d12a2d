using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>
/// The whole stack as a user runs it: the AppHost starts the Supervisor and the Proxy, a request for a
/// cold model makes the Supervisor swap, and the dashboard shows the swap as one trace across both
/// services, the model's process as a running child resource and the simulator's console output.
/// Needs the Proxy's request path and the Supervisor's scheduler with their telemetry
/// (ActivitySources LlamaSwap.Proxy and LlamaSwap.Supervisor).
/// </summary>
[Trait("Category", "StackEndToEnd")]
public sealed class StackEndToEndTests
{
    private static readonly string[] ColdRequestSpans = ["proxy request", "acquire", "swap", "stop model", "start model", "readiness wait", "forward"];

    [Fact]
    public async Task AColdRequestIsTracedThroughTheSwapAndItsModelRunsAsAChildResource()
    {
        await using var host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("alpha", "beta"));
        // alpha loads first; beta then has to swap alpha out: stop old, start new, wait for readiness, forward.
        await ChatAsync(host, "alpha");
        await ChatAsync(host, "beta");

        // The request's trace spans both services; a model that stops on its own makes a Supervisor-only trace.
        static bool FromTheProxy(JsonElement t) => t.GetProperty("services").EnumerateArray().Any(s => s.GetString() == "proxy");
        var traces = await host.Api.WaitForJsonAsync("/api/traces?text=stop%20model", list => list.EnumerateArray().Any(FromTheProxy));
        var summary = traces.EnumerateArray().First(FromTheProxy);
        // Spans that last as long as the lease (the Supervisor's side of Acquire) are exported after the response,
        // so the trace is read once each named span's chain of parents is all there, not as soon as the names are.
        var trace = await host.Api.WaitForJsonAsync($"/api/traces/{summary.GetProperty("traceId").GetString()}",
            t => ColdRequestSpans.All(name => t.GetProperty("spans").EnumerateArray()
                .Any(s => s.GetProperty("name").GetString() == name && Ancestry(s, [.. t.GetProperty("spans").EnumerateArray()]).Complete)));
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        JsonElement Span(string name) => spans.First(s => s.GetProperty("name").GetString() == name);
        bool Descends(JsonElement span, JsonElement ancestor) => Ancestry(span, spans).Ids.Contains(ancestor.GetProperty("spanId").GetString()!);

        Assert.Equal("proxy", Span("proxy request").GetProperty("service").GetString());
        Assert.Equal("supervisor", Span("swap").GetProperty("service").GetString());
        foreach (var name in ColdRequestSpans.Skip(1))
            Assert.True(Descends(Span(name), Span("proxy request")), $"'{name}' belongs under 'proxy request'");
        Assert.True(Descends(Span("swap"), Span("acquire")), "the Supervisor's swap continues the Proxy's acquire (traceparent in the call metadata)");
        Assert.True(Descends(Span("readiness wait"), Span("swap")));
        Assert.True(Span("forward").GetProperty("startMs").GetDouble() >= Span("readiness wait").GetProperty("endMs").GetDouble() - 1);

        var beta = await host.WaitForResourceAsync("beta", r => r.GetProperty("state").GetString() == "Running");
        Assert.Equal("supervisor", beta.GetProperty("parent").GetString());
        Assert.True(ProcessTable.IsAlive(beta.GetProperty("pid").GetInt32()));
        await host.Api.WaitForJsonAsync("/api/console/beta",
            lines => lines.EnumerateArray().Any(l => l.GetProperty("text").GetString()!.Contains("simulator beta pid", StringComparison.Ordinal)));
        var alpha = (await host.ResourcesAsync())["alpha"];
        Assert.NotEqual("Running", alpha.GetProperty("state").GetString());

        // The swap's log records carry its trace, so the dashboard finds them from the trace.
        var traceId = summary.GetProperty("traceId").GetString();
        await host.Api.WaitForJsonAsync($"/api/logs?traceId={traceId}",
            logs => logs.EnumerateArray().Any(l => l.GetProperty("message").GetString()!.Contains("swap", StringComparison.Ordinal)));

        // The services' own metrics reach the dashboard too (exported every second under the AppHost).
        static Func<JsonElement, bool> Has(string instrument) => list => list.EnumerateArray().Any(i => i.GetProperty("name").GetString() == instrument);
        await host.Api.WaitForJsonAsync("/api/metrics/instruments?resource=proxy", Has("llamaswap.proxy.request.duration"));
        await host.Api.WaitForJsonAsync("/api/metrics/instruments?resource=supervisor", Has("llamaswap.supervisor.swap.duration"));
    }

    [Fact]
    public async Task AfterTheProxyIsKilledWithSigkillRequestsSucceedAgain()
    {
        await using var host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("alpha"));
        await ChatAsync(host, "alpha");
        var proxy = await host.WaitForResourceAsync("proxy", r => r.GetProperty("state").GetString() == "Running");
        var oldPid = proxy.GetProperty("pid").GetInt32();

        Assert.True(ProcessSignals.Send(oldPid, ProcessSignals.SigKill));
        await host.WaitForResourceAsync("proxy", r => r.GetProperty("state").GetString() == "Running" && r.GetProperty("pid").GetInt32() != oldPid);

        await ChatAsync(host, "alpha");
    }

    [Fact]
    public async Task ARestartedSupervisorLeavesNoUpstreamOfItsPredecessorRunning()
    {
        await using var host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("alpha"));
        await ChatAsync(host, "alpha");
        var upstream = (await host.WaitForResourceAsync("alpha", r => r.GetProperty("state").GetString() == "Running")).GetProperty("pid").GetInt32();
        var supervisor = (await host.ResourcesAsync())["supervisor"].GetProperty("pid").GetInt32();

        Assert.True(ProcessSignals.Send(supervisor, ProcessSignals.SigKill));
        await host.WaitForResourceAsync("supervisor", r => r.GetProperty("state").GetString() == "Running" && r.GetProperty("pid").GetInt32() != supervisor);
        await ProcessTable.WaitForExitAsync(upstream, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        await ChatAsync(host, "alpha");
        await host.WaitForResourceAsync("alpha", r => r.GetProperty("state").GetString() == "Running" && r.GetProperty("pid").GetInt32() != upstream);
    }

    [Fact]
    public async Task SigtermToTheAppHostStopsTheUpstreamsToo()
    {
        await using var host = await AppHostProcess.StartAsync(AppHostProcess.SimulatorConfig("alpha"));
        await ChatAsync(host, "alpha");
        await host.WaitForResourceAsync("alpha", r => r.GetProperty("state").GetString() == "Running");
        var pids = (await host.ResourcesAsync()).Values
            .Where(r => r.GetProperty("pid").ValueKind == JsonValueKind.Number).Select(r => r.GetProperty("pid").GetInt32()).ToList();
        Assert.Equal(3, pids.Count);

        Assert.True(host.Signal(ProcessSignals.SigTerm));
        Assert.Equal(0, await host.WaitForExitAsync(AppHostProcess.ShutdownBound));

        foreach (var pid in pids)
            Assert.False(ProcessTable.IsAlive(pid), $"process {pid} outlived the AppHost");
    }

    /// <summary>The span ids above <paramref name="span"/>; complete when the chain reaches a root, not a span not yet received.</summary>
    private static (List<string> Ids, bool Complete) Ancestry(JsonElement span, List<JsonElement> spans)
    {
        var ids = new List<string>();
        for (var parent = span.GetProperty("parentSpanId").GetString(); !string.IsNullOrEmpty(parent);)
        {
            ids.Add(parent);
            if (spans.FirstOrDefault(s => s.GetProperty("spanId").GetString() == parent) is not { ValueKind: JsonValueKind.Object } p)
                return (ids, false);
            parent = p.GetProperty("parentSpanId").GetString();
        }
        return (ids, true);
    }

    private static async Task ChatAsync(AppHostProcess host, string model)
    {
        using var client = new HttpClient { BaseAddress = host.ProxyUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model,
            messages = new[] { new { role = "user", content = "hello" } },
        }, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{model}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }
}

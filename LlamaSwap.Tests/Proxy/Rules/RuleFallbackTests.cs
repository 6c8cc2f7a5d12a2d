using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Proxy.Stack;

namespace LlamaSwap.Tests.Proxy.Rules;

/// <summary>
/// Backends that fail: a request falls back before any byte reaches the client, a failing backend's circuit
/// opens, and a backend that dies leaves the rotation within one health interval and returns when it is back.
/// </summary>
public sealed class RuleFallbackTests : IAsyncDisposable
{
    private readonly List<SimulatorProcess> _simulators = [];

    [Fact]
    public async Task AFailedAttemptFallsBackWithoutTheClientNoticingStreamedOrNot()
    {
        var good = await StartSimulatorAsync("good");
        var loading = await StartSimulatorAsync("loading", "--load-time", "1h");
        await using var stack = await ProxyStack.StartAsync(new StackConfig()
            .Endpoint("dead", $"http://127.0.0.1:{FreePort.Get()}", "    checkEndpoint: none")
            .Endpoint("loading", loading.BaseUrl, "    checkEndpoint: none")
            .Model("broken", ["--model", "broken", "--fail", "exit:3"])
            .Endpoint("good", good.BaseUrl)
            .Top("""
                resilience: { retries: 1, retryDelay: 10ms, breaker: { minimumThroughput: 100 } }
                routes:
                  - name: resilient
                    match: { model: resilient }
                    targets: [{ model: dead, weight: 1 }, { model: loading, weight: 0 }, { model: broken, weight: 0 }, { model: good, weight: 0 }]
                  - name: last
                    match: { model: last }
                    targets: [dead, loading]
                """));
        using var client = stack.CreateClient();
        var routes = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LlamaSwap.Proxy.Telemetry.ProxyTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            // Other tests' Proxies run in this process too: only this rule's spans count.
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "route" && (string?)activity.GetTagItem("llamaswap.route.rule") == "resilient")
                    routes.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var plain = await RuleClient.ChatAsync(client, "resilient");
        Assert.True(plain.Status == HttpStatusCode.OK, plain.Body);
        Assert.Equal("good", plain.Backend);
        using (var json = JsonDocument.Parse(plain.Body))
            Assert.Equal("assistant", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());

        var streamed = await RuleClient.ChatAsync(client, "resilient", stream: true);
        Assert.Equal(HttpStatusCode.OK, streamed.Status);
        Assert.Equal("good", streamed.Backend);
        Assert.StartsWith("data: {", streamed.Body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]", streamed.Body.TrimEnd(), StringComparison.Ordinal);

        // The span ends when the handler returns, which may be just after the client read the last byte.
        await RuleRoutingTests.WaitUntilAsync(() => routes.Count == 2, "both requests' route spans");
        foreach (var route in routes)
        {
            Assert.Equal("good", route.GetTagItem("llamaswap.route.backend"));
            Assert.Equal(4, route.GetTagItem("llamaswap.route.attempts"));
            Assert.Equal(["dead", "loading", "broken"], route.Events.Where(e => e.Name == "fallback").Select(e => e.Tags.Single(t => t.Key == "llamaswap.route.backend").Value));
        }

        // When every choice failed, the last one's own answer reaches the client as it wrote it.
        var last = await RuleClient.ChatAsync(client, "last");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, last.Status);
        Assert.Equal("loading", last.Backend);
        Assert.Contains("Loading model", last.Body, StringComparison.Ordinal);

        var metrics = await RuleClient.MetricsAsync(stack);
        foreach (var failed in new[] { "dead", "loading", "broken" })
            Assert.Contains($"llamaswap_proxy_route_fallbacks_total{{llamaswap_route_backend=\"{failed}\"", metrics, StringComparison.Ordinal);
        // One retry of the unreachable backend per request (three requests tried it first).
        Assert.Contains("llamaswap_proxy_backend_retries_total{llamaswap_route_backend=\"dead\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("llamaswap_proxy_route_decisions_total{llamaswap_route_backend=\"good\",llamaswap_route_rule=\"resilient\"} 2", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOpenCircuitTakesAFailingBackendOutOfRotation()
    {
        var good = await StartSimulatorAsync("good");
        await using var stack = await ProxyStack.StartAsync(new StackConfig()
            .Endpoint("dead", $"http://127.0.0.1:{FreePort.Get()}", "    checkEndpoint: none")
            .Endpoint("good", good.BaseUrl)
            .Top("""
                resilience: { retries: 0, breaker: { minimumThroughput: 2, failureRatio: 0.5, breakDuration: 1m } }
                routes:
                  - name: pair
                    match: { model: pair }
                    targets: [{ model: dead, weight: 1 }, { model: good, weight: 0 }]
                """));
        using var client = stack.CreateClient();

        for (var i = 0; i < 6; i++)
            Assert.Equal("good", (await RuleClient.ChatAsync(client, "pair")).Backend);

        var metrics = await RuleClient.MetricsAsync(stack);
        // Two failures open the circuit; the four requests after it never touch the dead backend.
        Assert.Contains("llamaswap_proxy_route_fallbacks_total{llamaswap_route_backend=\"dead\",llamaswap_route_reason=\"502\",llamaswap_route_rule=\"pair\"} 2",
            metrics, StringComparison.Ordinal);
        Assert.Contains("llamaswap_proxy_backend_breaker_state{llamaswap_route_backend=\"dead\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("llamaswap_proxy_backend_breaker_state{llamaswap_route_backend=\"good\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKilledBackendLeavesWithinOneHealthIntervalAndReturnsWhenBack()
    {
        var portA = FreePort.Get();
        var portB = FreePort.Get();
        await StartSimulatorAsync("k1", "--port", portA.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var k2 = await StartSimulatorAsync("k2", "--port", portB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var interval = TimeSpan.FromMilliseconds(500);
        await using var stack = await ProxyStack.StartAsync(new StackConfig()
            .Endpoint("k1", $"http://127.0.0.1:{portA}")
            .Endpoint("k2", $"http://127.0.0.1:{portB}")
            .Top("""
                endpointHealth: { interval: 500ms, timeout: 250ms }
                resilience: { retries: 0, breaker: { minimumThroughput: 1000 } }
                routes:
                  - name: pair
                    match: { model: pair }
                    targets: [k1, k2]
                """));
        var both = await RuleClient.SpreadAsync(stack, "pair", 20, parallel: 2);
        Assert.Equal(10, both.GetValueOrDefault("k2"));

        var killed = Stopwatch.StartNew();
        Assert.True(k2.Signal(ProcessSignals.SigKill));
        await WaitForHealthAsync(stack, "k2", healthy: false);
        // One interval until the next check, plus that check's own timeout; the rest is slack for a loaded machine.
        Assert.True(killed.Elapsed < interval + TimeSpan.FromMilliseconds(250) + TimeSpan.FromSeconds(2), $"noticed after {killed.Elapsed}");

        var alone = await RuleClient.SpreadAsync(stack, "pair", 20, parallel: 2);
        Assert.Equal(20, alone.GetValueOrDefault("k1"));
        // Skipped, not tried and fallen back from.
        Assert.DoesNotContain("llamaswap_proxy_route_fallbacks_total{llamaswap_route_backend=\"k2\"", await RuleClient.MetricsAsync(stack), StringComparison.Ordinal);

        await StartSimulatorAsync("k2", "--port", portB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WaitForHealthAsync(stack, "k2", healthy: true);
        var back = await RuleClient.SpreadAsync(stack, "pair", 20, parallel: 2);
        Assert.Equal(10, back.GetValueOrDefault("k2"));
        Assert.Contains("llamaswap_proxy_backend_healthy{llamaswap_route_backend=\"k2\"} 1", await RuleClient.MetricsAsync(stack), StringComparison.Ordinal);
    }

    private static async Task WaitForHealthAsync(ProxyStack stack, string model, bool healthy)
    {
        using var client = stack.CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            using var list = JsonDocument.Parse(await client.GetStringAsync("/v1/models", TestContext.Current.CancellationToken).DefaultTimeout());
            var entry = list.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == model);
            if (entry.GetProperty("meta").GetProperty("llamaswap").GetProperty("healthy").GetBoolean() == healthy)
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{model} never became {(healthy ? "healthy" : "unhealthy")}: {entry}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task<SimulatorProcess> StartSimulatorAsync(string model, params string[] arguments)
    {
        var port = arguments.Contains("--port") ? [] : new[] { "--port", "0" };
        var loads = arguments.Contains("--load-time");
        var simulator = SimulatorProcess.Launch(["--model", model, "--tokens-per-second", "0", "--max-tokens", "4", "--quiet", .. port, .. arguments]);
        _simulators.Add(simulator);
        await simulator.WaitUntilListeningAsync(cancellationToken: TestContext.Current.CancellationToken);
        if (!loads)
            await simulator.WaitUntilHealthyAsync(cancellationToken: TestContext.Current.CancellationToken);
        return simulator;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var simulator in _simulators)
            await simulator.DisposeAsync();
    }
}

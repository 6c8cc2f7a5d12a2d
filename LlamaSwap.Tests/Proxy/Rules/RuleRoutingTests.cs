using System.Net;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Proxy.Stack;

namespace LlamaSwap.Tests.Proxy.Rules;

public sealed class RuleStackFixture : IAsyncLifetime
{
    internal ProxyStack Stack { get; private set; } = null!;

    private readonly List<SimulatorProcess> _simulators = [];

    public async ValueTask InitializeAsync()
    {
        var config = new StackConfig();
        foreach (var name in new[] { "a", "b", "c" })
            config.Endpoint(name, (await StartAsync(["--model", name, "--tokens-per-second", "0", "--max-tokens", "4"])).BaseUrl);
        foreach (var name in new[] { "slow1", "slow2" })
            config.Endpoint(name, (await StartAsync(["--model", name, "--tokens-per-second", "5", "--max-tokens", "100"])).BaseUrl);
        Stack = await ProxyStack.StartAsync(config.Top("""
            routes:
              - name: premium
                match: { headers: { X-Model-Tier: premium } }
                targets: [c]
              - name: gpt
                match: { modelPattern: "^gpt-" }
                targets: [b]
              - name: embeddings
                match: { path: /v1/embeddings }
                targets: [c]
              - name: split
                match: { model: auto }
                targets: [{ model: a, weight: 5 }, { model: b, weight: 3 }, { model: c, weight: 2 }]
              - name: hidden
                match: { model: secret }
                targets: [a]
                hideBackend: true
              - name: balanced
                match: { model: balanced }
                targets: [slow1, slow2]
                strategy: least-loaded
            """));
    }

    private async Task<SimulatorProcess> StartAsync(string[] arguments)
    {
        var simulator = await SimulatorProcess.StartAsync([.. arguments, "--port", "0", "--quiet"], cancellationToken: TestContext.Current.CancellationToken);
        _simulators.Add(simulator);
        return simulator;
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
        foreach (var simulator in _simulators)
            await simulator.DisposeAsync();
    }
}

/// <summary>Routing rules over endpoint models (simulators the test runs): weights, header, pattern and path rules, hidden backends, least loaded.</summary>
public sealed class RuleRoutingTests(RuleStackFixture fixture) : IClassFixture<RuleStackFixture>
{
    private ProxyStack Stack => fixture.Stack;

    [Fact]
    public async Task WeightsHoldOverThreeThousandRequests()
    {
        var counts = await RuleClient.SpreadAsync(Stack, "auto", 3000);

        // 5:3:2 of 3000, within 2 % of the total either way (smooth weighted round robin is exact without failures).
        Assert.InRange(counts.GetValueOrDefault("a"), 1440, 1560);
        Assert.InRange(counts.GetValueOrDefault("b"), 840, 960);
        Assert.InRange(counts.GetValueOrDefault("c"), 540, 660);
        var metrics = await RuleClient.MetricsAsync(Stack);
        Assert.Contains("llamaswap_proxy_route_decisions_total{llamaswap_route_backend=\"a\",llamaswap_route_rule=\"split\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderPatternAndPathRulesRouteAsConfigured()
    {
        using var client = Stack.CreateClient();

        Assert.Equal("c", (await RuleClient.ChatAsync(client, "gpt-4o", headers: new Dictionary<string, string> { ["X-Model-Tier"] = "premium" })).Backend);
        Assert.Equal("b", (await RuleClient.ChatAsync(client, "gpt-4o")).Backend);
        Assert.Equal("b", (await RuleClient.ChatAsync(client, "gpt-4o-mini", headers: new Dictionary<string, string> { ["X-Model-Tier"] = "basic" })).Backend);
        Assert.Equal("c", (await RuleClient.ChatAsync(client, "a", path: "/v1/embeddings")).Backend);
        // No rule matches a plain model name: it resolves as always.
        Assert.Equal("a", (await RuleClient.ChatAsync(client, "a")).Backend);
        var unknown = await RuleClient.ChatAsync(client, "claude-3");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    [Fact]
    public async Task AHiddenBackendAnswersAsTheRequestedNameInJsonAndInEveryStreamedEvent()
    {
        using var client = Stack.CreateClient();

        var plain = await RuleClient.ChatAsync(client, "secret");
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        using (var json = JsonDocument.Parse(plain.Body))
            Assert.Equal("secret", json.RootElement.GetProperty("model").GetString());
        Assert.Null(plain.Backend);

        var streamed = await RuleClient.ChatAsync(client, "secret", stream: true);
        var events = streamed.Body.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(events);
        foreach (var line in events)
        {
            using var json = JsonDocument.Parse(line["data: ".Length..]);
            Assert.Equal("secret", json.RootElement.GetProperty("model").GetString());
        }

        Assert.EndsWith("data: [DONE]", streamed.Body.TrimEnd(), StringComparison.Ordinal);

        // A rule that does not hide its backend shows the backend's name and headers.
        var shown = await RuleClient.ChatAsync(client, "auto");
        Assert.NotNull(shown.Backend);
        using var shownJson = JsonDocument.Parse(shown.Body);
        Assert.Equal(shown.Backend, shownJson.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task LeastLoadedSendsTheNextRequestToTheIdleBackend()
    {
        using var client = Stack.CreateClient();
        async Task<HttpResponseMessage> OpenStreamAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"balanced","stream":true,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken).DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response;
        }

        static string Backend(HttpResponseMessage response) => response.Headers.GetValues("X-Simulator-Model").Single();

        using var first = await OpenStreamAsync();
        using var second = await OpenStreamAsync();
        Assert.NotEqual(Backend(first), Backend(second));

        // Both busy: a tie, then the first one's stream ends and its backend is the idle one.
        using (var third = await OpenStreamAsync())
        {
            var busier = Backend(third);
            var idle = busier == Backend(first) ? second : first;
            idle.Dispose();
            await WaitUntilAsync(() => Stack.Service<LlamaSwap.Proxy.Backends.BackendLoad>().InFlight(Backend(idle)) == 0, "the closed stream to leave its backend");
            using var fourth = await OpenStreamAsync();
            Assert.Equal(Backend(idle), Backend(fourth));
        }
    }

    [Fact]
    public async Task TheModelListOffersTheVirtualNameAndTheEndpointsHealth()
    {
        using var client = Stack.CreateClient();
        using var list = JsonDocument.Parse(await client.GetStringAsync("/v1/models", TestContext.Current.CancellationToken).DefaultTimeout());
        var models = list.RootElement.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);

        var auto = models["auto"].GetProperty("meta").GetProperty("llamaswap");
        Assert.Equal("route", auto.GetProperty("type").GetString());
        Assert.Equal("split", auto.GetProperty("rule").GetString());
        var a = models["a"].GetProperty("meta").GetProperty("llamaswap");
        Assert.Equal("endpoint", a.GetProperty("type").GetString());
        Assert.True(a.GetProperty("healthy").GetBoolean());

        // The UI's model list (/api/events modelStatus) shows a healthy endpoint as ready, though no process runs for it.
        using var status = JsonDocument.Parse(Stack.Service<LlamaSwap.Proxy.Events.EventHub>().ModelStatus().Data());
        Assert.Equal("ready", status.RootElement.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "a").GetProperty("state").GetString());
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using LlamaSwap.Proxy.Admission;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

public sealed class AdmissionStackFixture : IAsyncLifetime
{
    internal ProxyStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Stack = await ProxyStack.StartAsync(new StackConfig()
        .Model("limited", ["--model", "limited", "--tokens-per-second", "20", "--max-tokens", "400"],
            "    concurrencyLimit: 1\n    sendLoadingState: true")
        .Model("slow-load", ["--model", "slow-load", "--load-time", "3s"])
        .Model("broken", ["--model", "broken", "--fail", "exit:3"])
        .External("refused", $"http://127.0.0.1:{FreePort.Get()}", "    checkEndpoint: none"));

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
    }
}

/// <summary>Admission and leases with the real Supervisor: 429 before any byte, release on every path, start failures.</summary>
public sealed class AdmissionTests(AdmissionStackFixture fixture) : IClassFixture<AdmissionStackFixture>
{
    private static string Chat(string model, bool stream = true) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"a long story please"}]}""";

    private static HttpRequestMessage Post(string json) =>
        new(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private ConcurrencyGate Gate => fixture.Stack.Service<ConcurrencyGate>();

    /// <summary>Loads the model, so a request streams its answer at once (no loading stream).</summary>
    private async Task WarmAsync(string model)
    {
        // The tests share the fixture's models: an earlier test's request may still be leaving (its slot and lease
        // are released asynchronously), and with concurrencyLimit 1 this request would be refused meanwhile.
        await WaitUntilAsync(() => Gate.Admitted(model) == 0, $"earlier requests to {model} to leave");
        await fixture.Stack.WaitForStatusAsync(model, m => m is { InFlightLeases: 0, Queued: 0 }, "no lease or waiter left");
        using var client = fixture.Stack.CreateClient();
        using var response = await client.GetAsync($"/upstream/{model}/health", TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OverCapacityIsA429BeforeAnyByteAndTheSlotReturnsWhenTheRequestEnds()
    {
        using var client = fixture.Stack.CreateClient();
        using (var first = await client.SendAsync(Post(Chat("limited")), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken).DefaultTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

            var refused = await ProxyResponse.SendAsync(client, Post(Chat("limited")));

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
            Assert.Equal("application/json", refused.ContentHeaders.ContentType?.MediaType);
            Assert.Equal(("Too many requests", "rate_limit_error", "concurrency_limit"), refused.Envelope);
        }

        await WaitUntilAsync(() => Gate.Admitted("limited") == 0, "the slot to be released");
        var again = await ProxyResponse.SendAsync(client, Post("""{"model":"limited","max_tokens":2,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    [Fact]
    public async Task AClientDisconnectCancelsTheUpstreamRequestWithinASecondAndFreesTheLease()
    {
        await WarmAsync("limited");
        var client = fixture.Stack.CreateClient();
        var response = await client.SendAsync(Post(Chat("limited")), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken).DefaultTimeout();
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await body.ReadAsync(new byte[1024], TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.Equal(1u, (await fixture.Stack.StatusAsync("limited")).InFlightLeases);

        var disconnected = Stopwatch.StartNew();
        response.Dispose();
        client.Dispose();
        await fixture.Stack.WaitForStatusAsync("limited", m => m.InFlightLeases == 0, "its lease released");
        var released = disconnected.Elapsed;
        await fixture.Stack.WaitForUpstreamLogAsync("limited", "request cancelled (client disconnected)");

        Assert.True(released < TimeSpan.FromSeconds(1), $"the lease was released {released.TotalMilliseconds:0} ms after the client left");
        await WaitUntilAsync(() => Gate.Admitted("limited") == 0, "the slot to be released");
    }

    [Fact]
    public async Task AClientThatLeavesWhileTheModelLoadsEndsItsAcquire()
    {
        using var client = fixture.Stack.CreateClient();
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var request = client.SendAsync(Post(Chat("slow-load")), HttpCompletionOption.ResponseHeadersRead, leave.Token);
        await fixture.Stack.WaitForStatusAsync("slow-load", m => m.State == ModelState.Starting, "starting");

        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await WaitUntilAsync(() => Gate.Admitted("slow-load") == 0, "the slot to be released");
        var ready = await fixture.Stack.WaitForStatusAsync("slow-load", m => m.State == ModelState.Ready, "ready");
        Assert.Equal(0u, ready.InFlightLeases);
        Assert.Equal(0u, ready.Queued);
    }

    [Fact]
    public async Task AModelThatFailsToStartIsA500UnspecificError()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.SendAsync(client, Post(Chat("broken", stream: false)));

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        var (message, type, code) = response.Envelope;
        Assert.StartsWith("unspecific error: ", message, StringComparison.Ordinal);
        Assert.Equal(("server_error", "internal_error"), (type, code));
    }

    [Fact]
    public async Task AnUpstreamThatRefusesConnectionsIsA502EnvelopeNotAnEmptyBody()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.SendAsync(client, Post(Chat("refused", stream: false)));

        Assert.Equal(HttpStatusCode.BadGateway, response.Status);
        var (message, type, code) = response.Envelope;
        Assert.StartsWith("upstream of model refused at http://127.0.0.1:", message, StringComparison.Ordinal);
        Assert.Equal(("server_error", "bad_gateway"), (type, code));
        await fixture.Stack.WaitForStatusAsync("refused", m => m.InFlightLeases == 0, "its lease released");
    }

    [Fact]
    public async Task AHardUnloadMidStreamCutsTheResponseShort()
    {
        await WarmAsync("limited");
        // Mid-stream means the upstream is answering: no earlier request may still hold the model (its lease is
        // released asynchronously), or this one would wait in the queue behind a loading-state stream instead.
        await fixture.Stack.WaitForStatusAsync("limited", m => m is { State: ModelState.Ready, InFlightLeases: 0, Queued: 0 }, "ready and idle");
        await WaitUntilAsync(() => Gate.Admitted("limited") == 0, "the slot to be free");
        using var client = fixture.Stack.CreateClient();
        using var response = await client.SendAsync(Post(Chat("limited")), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.True(response.Headers.Contains("X-Simulator-Model"), "the upstream itself answered, not a loading-state stream");
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var buffer = new byte[16 * 1024];
        await body.ReadAsync(buffer, TestContext.Current.CancellationToken).DefaultTimeout();

        await fixture.Stack.Supervisor.UnloadAsync(new UnloadRequest { ModelIds = { "limited" }, Hard = true },
            new CallOptions(CancellationToken: TestContext.Current.CancellationToken)).DefaultTimeout();

        var text = new StringBuilder();
        var cut = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            int read;
            while ((read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken).DefaultTimeout()) > 0)
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        });
        Assert.IsNotType<TimeoutException>(cut);
        Assert.DoesNotContain("[DONE]", text.ToString(), StringComparison.Ordinal);
        await WaitUntilAsync(() => Gate.Admitted("limited") == 0, "the slot to be released");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}

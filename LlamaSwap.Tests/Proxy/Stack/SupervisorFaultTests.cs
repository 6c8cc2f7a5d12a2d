using System.Diagnostics;
using System.Net;
using System.Text;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Rpc.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace LlamaSwap.Tests.Proxy.Stack;

public sealed class FaultStackFixture : IAsyncLifetime
{
    internal SimulatorProcess Echo { get; private set; } = null!;

    internal ProxyStack Stack { get; private set; } = null!;

    /// <summary>Acquires of model <c>held</c> wait here until cancelled.</summary>
    internal TaskCompletionSource HeldArrived { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask InitializeAsync()
    {
        Echo = await SimulatorProcess.StartAsync(EchoStackFixture.SimulatorArgs, cancellationToken: TestContext.Current.CancellationToken);
        var config = new StackConfig();
        foreach (var model in new[] { "ok", "nf", "busy", "down", "gone", "held" })
            config.External(model, Echo.BaseUrl);
        Stack = await ProxyStack.StartWithTestSupervisorAsync(config, supervisor => supervisor.BeforeAcquire = async (request, token) =>
        {
            switch (request.ModelId)
            {
                case "nf":
                    throw new RpcException(StatusCode.NotFound, "model 'nf' is not configured (yet)");
                case "busy":
                    throw new RpcException(StatusCode.ResourceExhausted, "the queue of model 'busy' is full");
                case "down":
                    throw new RpcException(StatusCode.Unavailable, "upstream command exited prematurely");
                case "gone":
                    throw new RpcException(StatusCode.Aborted, "group: model unloaded");
                case "held":
                    HeldArrived.TrySetResult();
                    await Task.Delay(Timeout.Infinite, token);
                    break;
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
        if (Echo is not null)
            await Echo.DisposeAsync();
    }
}

/// <summary>What the client sees when the Supervisor refuses, fails, is missing or restarts.</summary>
public sealed class SupervisorFaultTests(FaultStackFixture fixture) : IClassFixture<FaultStackFixture>
{
    private static string Chat(string model) => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData("nf", HttpStatusCode.NotFound, "no local server found for requested model")]
    [InlineData("busy", HttpStatusCode.TooManyRequests, "Too many requests")]
    [InlineData("down", HttpStatusCode.InternalServerError, "unspecific error: upstream command exited prematurely")]
    [InlineData("gone", HttpStatusCode.InternalServerError, "unspecific error: group: model unloaded")]
    public async Task SupervisorRefusalsBecomeLlamaSwapErrors(string model, HttpStatusCode status, string message)
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", Chat(model));

        Assert.Equal(status, response.Status);
        Assert.Equal(message, response.Envelope.Message);
        if (status == HttpStatusCode.TooManyRequests)
        {
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            Assert.Equal("concurrency_limit", response.Envelope.Code);
        }
    }

    [Fact]
    public async Task TheTraceContinuesIntoTheSupervisor()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "LlamaSwap.Proxy" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", Chat("ok"),
            r => r.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var acquire = fixture.Stack.Fake!.Acquires.Last(a => a.Model == "ok");
        Assert.NotNull(acquire.TraceParent);
        Assert.Equal(traceId.ToString(), acquire.TraceParent.Split('-')[1]);
    }

    [Fact]
    public async Task AnUnreachableSupervisorIsA503NamingItAtOnce()
    {
        var dead = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyStack.StartProxyAsync(fixture.Stack.ConfigPath, dead, logs);
        using var client = new HttpClient { BaseAddress = new Uri(proxy.Urls.First()) };
        var stopwatch = Stopwatch.StartNew();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", Chat("ok"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.StartsWith($"the Supervisor at {dead} is unreachable", response.Envelope.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        await proxy.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ARestartedSupervisorIsPickedUp()
    {
        var port = FreePort.Get();
        var config = ConfigLoader.Load(new ConfigSource(fixture.Stack.ConfigPath)).Config!;
        var first = await TestSupervisor.StartAsync(config, port);
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyStack.StartProxyAsync(fixture.Stack.ConfigPath, first.Address, logs);
        var gateway = (SupervisorGateway)proxy.Services.GetService(typeof(ISupervisorGateway))!;
        using var client = new HttpClient { BaseAddress = new Uri(proxy.Urls.First()) };
        await WaitUntilAsync(() => gateway.Connected, "the first connection");

        await first.DisposeAsync();
        await WaitUntilAsync(() => !gateway.Connected, "the Proxy to notice");
        var down = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", Chat("ok"));
        await using var second = await TestSupervisor.StartAsync(config, port);
        await WaitUntilAsync(() => gateway.Connected, "the reconnection");
        var up = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", Chat("ok"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(HttpStatusCode.OK, up.Status);
        await proxy.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StoppingTheProxyAnswersRequestsStillWaitingForALease()
    {
        var logs = new CollectingLoggerProvider();
        var proxy = await ProxyStack.StartProxyAsync(fixture.Stack.ConfigPath, fixture.Stack.Fake!.Address, logs);
        using var client = new HttpClient { BaseAddress = new Uri(proxy.Urls.First()) };
        var request = ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", Chat("held"));
        await fixture.HeldArrived.Task.DefaultTimeout();

        var stopping = proxy.StopAsync(TestContext.Current.CancellationToken);
        var response = await request;
        await stopping.DefaultTimeout();
        await proxy.DisposeAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal("the proxy is shutting down", response.Envelope.Message);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(15))
                throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}

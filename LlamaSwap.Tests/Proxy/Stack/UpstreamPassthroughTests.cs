using System.Net;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary><c>/upstream/{model...}/{path}</c>: any path and method, ids with slashes, percent-encoding kept, redirects, ignorePaths.</summary>
public sealed class UpstreamPassthroughTests(EchoStackFixture fixture) : IClassFixture<EchoStackFixture>
{
    [Theory]
    [InlineData("/upstream/plain/v1/chat/completions?echo=true", "/v1/chat/completions?echo=true")]
    [InlineData("/upstream/author/model/v1/chat/completions?echo=true", "/v1/chat/completions?echo=true")]
    [InlineData("/upstream/author%2Fmodel/v1/chat/completions?echo=true", "/v1/chat/completions?echo=true")]
    [InlineData("/upstream/alias-one/chat/completions?echo=true&x=%2F", "/chat/completions?echo=true&x=%2F")]
    public async Task ThePathAfterTheModelReachesTheUpstreamUntouched(string path, string upstreamPath)
    {
        using var client = fixture.Stack.CreateClient();
        const string body = """{"model":"whatever-the-client-says","messages":[{"role":"user","content":"hi"}]}""";

        var response = await ProxyResponse.PostJsonAsync(client, path, body);

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal(upstreamPath, response.RequestPath);
        Assert.Equal(body, response.RequestBodyText);
    }

    [Fact]
    public async Task AnEncodedSeparatorInTheRestOfThePathStaysEncoded()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/upstream/plain/files/a%2Fb");

        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Contains("no route for GET /files/a%2Fb", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGetOfTheUpstreamRootReachesIt()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/upstream/plain/");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("echo-sim", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APeerIsReachableToo()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/upstream/p1/org/remote-b/props");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("peer-sim", response.SimulatorModel);
    }

    [Theory]
    [InlineData("GET", HttpStatusCode.MovedPermanently)]
    [InlineData("HEAD", HttpStatusCode.MovedPermanently)]
    [InlineData("POST", HttpStatusCode.PermanentRedirect)]
    public async Task ThePathOfOnlyTheModelRedirectsToItsSlashForm(string method, HttpStatusCode status)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Stack.Address };

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/upstream/author%2Fmodel?x=1"), TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("/upstream/author%2Fmodel/?x=1", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task AnUnknownModelIsA404Envelope()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/upstream/ghost/v1/models");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("model not found", response.Envelope.Message);
    }

    [Fact]
    public async Task SelectorsAreNotResolvableHere()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/upstream/sel-pin/props");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task AnIgnoredPathDoesNotLoadAStoppedModelButPassesOnceItIsReady()
    {
        await using var other = await ProxyStack.StartAsync(new StackConfig().Model("cold", ["--model", "cold-sim"]));
        using var coldClient = other.CreateClient();

        var refused = await ProxyResponse.GetAsync(coldClient, "/upstream/cold/static/app.js");
        var loaded = await ProxyResponse.GetAsync(coldClient, "/upstream/cold/");
        await WaitForReadyAsync(other, "cold");
        var served = await ProxyResponse.GetAsync(coldClient, "/upstream/cold/static/app.js");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("model cold is not loaded; path matches upstream.ignorePaths", refused.Envelope.Message);
        Assert.Equal(HttpStatusCode.OK, loaded.Status);
        Assert.Equal("cold-sim", served.SimulatorModel);
    }

    [Fact]
    public async Task TheBareUpstreamPathRedirectsToTheUi()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Stack.Address };

        using var response = await client.GetAsync("/upstream", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/ui/models", response.Headers.Location?.OriginalString);
    }

    /// <summary>The Proxy learns states through WatchState; wait until it has seen the model Ready.</summary>
    internal static async Task WaitForReadyAsync(ProxyStack stack, string model)
    {
        var gateway = stack.Service<LlamaSwap.Proxy.Supervision.ISupervisorGateway>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var snapshot in gateway.WatchAsync(timeout.Token))
        {
            if (snapshot.Models.Any(m => m.ModelId == model && m.State == LlamaSwap.Rpc.Supervisor.V1.ModelState.Ready))
                return;
        }
    }
}

using System.Net;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>How a requested name becomes a local model or a peer: aliases, profiles, selectors, peers, and the errors when none applies.</summary>
public sealed class ResolutionTests(EchoStackFixture fixture) : IClassFixture<EchoStackFixture>
{
    private static string Chat(string model) => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""";

    private Task<ProxyResponse> PostAsync(string model, Action<HttpRequestMessage>? configure = null, string path = "/v1/chat/completions?echo=true")
    {
        var client = fixture.Stack.CreateClient();
        return ProxyResponse.PostJsonAsync(client, path, Chat(model), configure);
    }

    [Fact]
    public async Task AnAliasRoutesToItsModelAndIsSentUpstreamAsWritten()
    {
        var response = await PostAsync("alias-one");

        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal("alias-one", response.RequestBody.GetProperty("model").GetString());
        Assert.Equal(ModelState.Ready, (await fixture.Stack.StatusAsync("aliased")).State);
    }

    [Fact]
    public async Task AModelIdWithASlashIsALocalModel()
    {
        var response = await PostAsync("author/model");

        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal(ModelState.Ready, (await fixture.Stack.StatusAsync("author/model")).State);
    }

    [Theory]
    [InlineData("p1/remote-a", "remote-a")]
    [InlineData("remote-a", "remote-a")]
    [InlineData("org/remote-b", "org/remote-b")]
    [InlineData("p1/org/remote-b", "org/remote-b")]
    public async Task PeerModelsAreReachedByFullOrUniqueBareNameAndSeeTheirOwnName(string requested, string peerModel)
    {
        var response = await PostAsync(requested);

        Assert.Equal("peer-sim", response.SimulatorModel);
        Assert.Equal(peerModel, response.RequestBody.GetProperty("model").GetString());
        Assert.Equal("Bearer peer-key", response.ReceivedHeader("Authorization"));
        Assert.Equal("peer-key", response.ReceivedHeader("x-api-key"));
    }

    [Fact]
    public async Task APeerBaseUrlPathIsKeptAndItsResponsesPassThroughUnchanged()
    {
        var response = await PostAsync("p2/remote-c", path: "/v1/chat/completions");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("peer-sim", response.SimulatorModel);
        Assert.Contains("no route for POST /api/v1/chat/completions", response.Body, StringComparison.Ordinal);
        Assert.False(response.Json.TryGetProperty("src", out _));
    }

    [Fact]
    public async Task LocalUpstreamsGetXForwardedForAndPeersGetNoForwardingHeaders()
    {
        void Forwarded(HttpRequestMessage request) => request.Headers.Add("X-Forwarded-For", "10.1.2.3");

        var local = await PostAsync("plain", Forwarded);
        var peer = await PostAsync("p1/remote-a", Forwarded);

        Assert.Equal("10.1.2.3, 127.0.0.1", local.ReceivedHeader("X-Forwarded-For"));
        Assert.Null(peer.ReceivedHeader("X-Forwarded-For"));
    }

    [Fact]
    public async Task APinSelectorRewritesTheModelToItsFirstTarget()
    {
        var response = await PostAsync("sel-pin");

        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal("alias-one", response.RequestBody.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ASelectorCanTargetAPeer()
    {
        var response = await PostAsync("sel-peer");

        Assert.Equal("peer-sim", response.SimulatorModel);
        Assert.Equal("remote-a", response.RequestBody.GetProperty("model").GetString());
    }

    [Fact]
    public async Task TheActiveProfilesPinsApplyFirstAndCanDisableAName()
    {
        var profile = fixture.Stack.Service<ActiveProfile>();
        profile.Set("prof");
        try
        {
            var pinned = await PostAsync("virtual");
            var disabled = await PostAsync("renamed");
            var toPeer = await PostAsync("via-peer");
            var toSelector = await PostAsync("via-selector");

            Assert.Equal("echo-sim", pinned.SimulatorModel);
            Assert.Equal("plain", pinned.RequestBody.GetProperty("model").GetString());
            Assert.Equal(HttpStatusCode.NotFound, disabled.Status);
            Assert.Equal("model \"renamed\" is disabled by the active profile \"prof\"", disabled.Envelope.Message);
            Assert.Equal("peer-sim", toPeer.SimulatorModel);
            Assert.Equal("alias-one", toSelector.RequestBody.GetProperty("model").GetString());
        }
        finally
        {
            profile.Set(null);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("virtual")).Status);
    }

    [Fact]
    public async Task AnUnknownModelIsA404Envelope()
    {
        var response = await PostAsync("ghost");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(("no router for requested model", "invalid_request_error", "not_found"), response.Envelope);
        Assert.Equal("application/json", response.ContentHeaders.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABodyWithoutModelIsA404Envelope()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", """{"messages":[]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("no model id could be identified", response.Envelope.Message);
    }

    [Theory]
    [InlineData("text/plain", "text/plain", "llama-swap: no router for requested model")]
    [InlineData("text/html,application/xhtml+xml", "text/html", "<html><body><h1>llama-swap</h1><p>no router for requested model</p></body></html>")]
    public async Task ErrorsFollowTheAcceptHeader(string accept, string mediaType, string body)
    {
        var response = await PostAsync("ghost", r => r.Headers.TryAddWithoutValidation("Accept", accept));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(mediaType, response.ContentHeaders.ContentType?.MediaType);
        Assert.Equal(body, response.Body);
    }

    [Theory]
    [InlineData("/v1/messages")]
    [InlineData("/v/messages")]
    public async Task AnthropicRoutesGetAnthropicErrors(string path)
    {
        var response = await PostAsync("ghost", path: path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("error", response.Json.GetProperty("type").GetString());
        Assert.Equal("not_found_error", response.Json.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("no router for requested model", response.Json.GetProperty("error").GetProperty("message").GetString());
    }
}

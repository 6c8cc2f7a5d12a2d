using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

public sealed class AuthStackFixture : IAsyncLifetime
{
    internal SimulatorProcess Echo { get; private set; } = null!;

    internal SimulatorProcess Peer { get; private set; } = null!;

    internal ProxyStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Echo = await SimulatorProcess.StartAsync(EchoStackFixture.SimulatorArgs, cancellationToken: TestContext.Current.CancellationToken);
        Peer = await SimulatorProcess.StartAsync(["--model", "peer-sim", "--tokens-per-second", "0", "--max-tokens", "2"],
            cancellationToken: TestContext.Current.CancellationToken);
        Stack = await ProxyStack.StartAsync(new StackConfig()
            .External("m", Echo.BaseUrl)
            .Top($$"""
                apiKeys: [sk-one, "sk-two:with-colon"]
                peers:
                  keyless: { proxy: "{{Peer.BaseUrl}}", models: [pm] }
                """));
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
        if (Peer is not null)
            await Peer.DisposeAsync();
        if (Echo is not null)
            await Echo.DisposeAsync();
    }
}

/// <summary>API keys: every accepted form, the refusal, the open paths, and that a key never reaches an upstream.</summary>
public sealed class AuthTests(AuthStackFixture fixture) : IClassFixture<AuthStackFixture>
{
    private const string Chat = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";

    private static string Basic(string userAndPassword) => Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    private Task<ProxyResponse> PostAsync(Action<HttpRequestMessage> authenticate, string body = Chat)
    {
        var client = fixture.Stack.CreateClient();
        return ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", body, authenticate);
    }

    public static TheoryData<string, string> AcceptedForms => new()
    {
        { "Authorization", "Bearer sk-one" },
        { "Authorization", "bearer sk-two:with-colon" },
        { "Authorization", "Basic " + Basic("anyone:sk-one") },
        { "Authorization", "Basic " + Basic(":sk-two:with-colon") },
        { "x-api-key", "sk-one" },
    };

    [Theory]
    [MemberData(nameof(AcceptedForms))]
    public async Task EachKeyFormIsAcceptedAndTheKeyNeverReachesALocalUpstream(string header, string value)
    {
        var response = await PostAsync(r => r.Headers.TryAddWithoutValidation(header, value));

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Null(response.ReceivedHeader("Authorization"));
        Assert.Null(response.ReceivedHeader("x-api-key"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Authorization", "Bearer sk-wrong")]
    [InlineData("Authorization", "Bearer sk-on")]
    [InlineData("Authorization", "Token sk-one")]
    [InlineData("x-api-key", "sk-")]
    public async Task AMissingOrWrongKeyIsA401WithABrowserPrompt(string? header, string? value)
    {
        var client = fixture.Stack.CreateClient();
        var upstreamLines = fixture.Echo.Output.Lines.Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Chat, Encoding.UTF8, "application/json") };
        if (header is not null)
            request.Headers.TryAddWithoutValidation(header, value);

        var response = await ProxyResponse.SendAsync(client, request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(("unauthorized: invalid or missing API key", "authentication_error", "unauthorized"), response.Envelope);
        Assert.Equal("Basic realm=\"llama-swap\"", response.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal(upstreamLines, fixture.Echo.Output.Lines.Count);
    }

    [Theory]
    [InlineData("/upstream/m/props")]
    [InlineData("/props?model=m")]
    [InlineData("/v1/models")]
    [InlineData("/logs")]
    [InlineData("/api/version")]
    public async Task EveryOtherPathNeedsTheKeyToo(string path)
    {
        var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task HealthAnswersOkAsLlamaSwapDoesWithoutAKey()
    {
        using var client = new HttpClient { BaseAddress = fixture.Stack.Address };

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("OK", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET", "/health")]
    [InlineData("GET", "/alive")]
    [InlineData("GET", "/wol-health")]
    [InlineData("GET", "/upstream")]
    [InlineData("OPTIONS", "/v1/chat/completions")]
    [InlineData("OPTIONS", "/api/models/unload")]
    public async Task OpenPathsNeedNoKey(string method, string path)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Stack.Address };

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True((int)response.StatusCode < 400, $"{method} {path}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task AKeylessPeerGetsNoneOfTheClientsCredentials()
    {
        var response = await PostAsync(r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-one");
            r.Headers.TryAddWithoutValidation("x-api-key", "sk-one");
        }, """{"model":"pm","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal("peer-sim", response.SimulatorModel);
        Assert.Null(response.ReceivedHeader("Authorization"));
        Assert.Null(response.ReceivedHeader("x-api-key"));
    }
}

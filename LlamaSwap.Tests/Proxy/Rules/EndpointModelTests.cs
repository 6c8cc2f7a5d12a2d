using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Proxy.Stack;

namespace LlamaSwap.Tests.Proxy.Rules;

/// <summary>An endpoint model asked for by name: forwarded straight to its URL, with its own key when it has one.</summary>
public sealed class EndpointModelTests
{
    [Fact]
    public async Task AnEndpointGetsItsOwnKeyAndNeverTheClients()
    {
        await using var remote = await SimulatorProcess.StartAsync(["--model", "remote", "--port", "0", "--quiet", "--tokens-per-second", "0"],
            cancellationToken: TestContext.Current.CancellationToken);
        await using var stack = await ProxyStack.StartAsync(new StackConfig()
            .Endpoint("keyed", remote.BaseUrl, "    apiKey: remote-secret")
            .Endpoint("open", remote.BaseUrl)
            .Top("apiKeys: [client-key]"));
        using var client = stack.CreateClient();

        async Task<JsonElement> EchoedHeadersAsync(string model)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?echo=true")
            {
                Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-key");
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken).DefaultTimeout();
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("request_headers").Clone();
        }

        var keyed = (await EchoedHeadersAsync("keyed")).ToString();
        Assert.Contains("Bearer remote-secret", keyed, StringComparison.Ordinal);
        Assert.DoesNotContain("client-key", keyed, StringComparison.Ordinal);
        // Without a key of its own, an endpoint is a local upstream: the client's key stays with the Proxy.
        Assert.DoesNotContain("client-key", (await EchoedHeadersAsync("open")).ToString(), StringComparison.Ordinal);
    }
}

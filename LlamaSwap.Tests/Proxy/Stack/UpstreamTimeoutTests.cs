using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>A model's <c>timeouts</c> reach the forwarder.</summary>
public sealed class UpstreamTimeoutTests
{
    [Fact]
    public async Task AnUpstreamSilentPastTimeoutsResponseHeaderIsA504NamingTheModelAndTheSetting()
    {
        await using var stack = await ProxyStack.StartAsync(new StackConfig()
            .Model("silent", ["--model", "silent", "--fail", "hang"], "    checkEndpoint: none\n    timeouts:\n      responseHeader: 1\n"));
        using var client = stack.CreateClient();
        // checkEndpoint: none makes the model ready once spawned, before the simulator listens (502 until it does).
        var (response, elapsed) = await ChatAsync(client);
        for (var attempt = 0; response.StatusCode == HttpStatusCode.BadGateway && attempt < 100; attempt++)
        {
            response.Dispose();
            await Task.Delay(50, TestContext.Current.CancellationToken);
            (response, elapsed) = await ChatAsync(client);
        }

        using var _ = response;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("upstream of model silent sent no response headers within 1s (timeouts.responseHeader)",
            body.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> ChatAsync(HttpClient client)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"silent","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken).DefaultTimeout();
        return (response, Stopwatch.GetElapsedTime(started));
    }
}

using System.Net;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

public sealed class SmokeStackTests
{
    [Fact]
    public async Task ChatCompletionIsForwardedToTheModelsSimulator()
    {
        await using var stack = await ProxyStack.StartAsync(new StackConfig().Model("m1", ["--model", "sim-m1", "--tokens-per-second", "0"]));
        using var client = stack.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"m1","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken).DefaultTimeout();

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body + "\n" + string.Join('\n', stack.Logs.Entries));
        Assert.Equal("sim-m1", response.Headers.GetValues("X-Simulator-Model").Single());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("m1", json.RootElement.GetProperty("model").GetString());
    }
}

using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Ui.Fakes;

namespace LlamaSwap.Tests.Ui;

/// <summary>
/// Each page in Chromium against the fake Proxy API (predictable data, every capability present, a TTL
/// countdown): what the page itself does, and screenshots of every page in light and dark.
/// <see cref="StackPagesTests"/> runs the main paths against the real stack.
/// </summary>
public sealed class UiPagesTests
{
    [Fact]
    public async Task ModelsPageLoadsAndUnloadsAModelShowingItsTtl()
    {
        await using var api = await FakeProxyApi.StartAsync();

        await BrowserScenario.RunAsync("models", api.BaseAddress, new Dictionary<string, string> { ["model"] = "qwen", ["expect"] = "ttl" });

        Assert.Equal("stopped", api.Model("qwen").State);
    }

    [Fact]
    public async Task ModelsPageSearchesByAliasAndKeepsAPinnedModelFirstAcrossReloads()
    {
        await using var api = await FakeProxyApi.StartAsync();

        await BrowserScenario.RunAsync("search", api.BaseAddress,
            new Dictionary<string, string> { ["expect"] = "gpt-4o-mini", ["model"] = "qwen", ["pin"] = "whisper" });
    }

    [Fact]
    public async Task PlaygroundStreamsAChatReplyAndRendersMarkdown()
    {
        await using var api = await FakeProxyApi.StartAsync();

        var output = await BrowserScenario.RunAsync("chat", api.BaseAddress,
            new Dictionary<string, string> { ["model"] = "qwen", ["expect"] = "Hello from LlamaSwap", ["markdown"] = "1" });

        Assert.Contains(output, l => l.StartsWith("reply ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogsPageShowsALineWrittenAfterItConnectedInItsAnsiColour()
    {
        await using var api = await FakeProxyApi.StartAsync();
        var marker = $"marker-{Guid.NewGuid():N}";

        await BrowserScenario.RunAsync("logs", api.BaseAddress, new Dictionary<string, string> { ["expect"] = marker, ["source"] = "upstream", ["ansi"] = "1" },
            onStep: _ =>
            {
                api.Logs.Upstream("qwen", $"\u001b[35m{marker}\u001b[0m coloured upstream output\n");
                return Task.CompletedTask;
            });
    }

    [Fact]
    public async Task EveryPageRendersInLightAndDark()
    {
        await using var api = await FakeProxyApi.StartAsync();
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        using (var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
                   """{"model":"qwen","stream":true,"messages":[{"role":"user","content":"hi"}]}""", TestContext.Current.CancellationToken))
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        await BrowserScenario.RunAsync("tour", api.BaseAddress, new Dictionary<string, string> { ["model"] = "qwen" });

        var pictures = Directory.GetFiles(Path.Combine(BrowserScenario.ArtifactsRoot, nameof(EveryPageRendersInLightAndDark)), "tour-*.png");
        Assert.Equal(12, pictures.Length);
    }

    [Fact]
    public async Task BehindApiKeysThePageAsksOnceAndKeepsTheKey()
    {
        await using var api = await FakeProxyApi.StartAsync(apiKey: "sk-browser-test");

        await BrowserScenario.RunAsync("apikey", api.BaseAddress, new Dictionary<string, string> { ["model"] = "qwen", ["key"] = "sk-browser-test" });
    }
}

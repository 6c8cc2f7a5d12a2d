using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Ui;

/// <summary>
/// The pages against the real stack (Proxy with the UI, the Supervisor process, simulator upstreams):
/// a streamed chat, a load and unload, a live upstream log line, an activity row with tokens.
/// </summary>
public sealed class StackPagesTests
{
    private const string Reply = "Hello from the simulator, streamed word by word through LlamaSwap.";

    private static string ChatModel(string id, string extra = "") =>
        UiStack.Model(id, ["--tokens-per-second", "25", "--response", Reply], extra);

    [Fact]
    public async Task PlaygroundStreamsAChatReplyFromASimulator()
    {
        await using var stack = await UiStack.StartAsync([ChatModel("chat")]);

        await BrowserScenario.RunAsync("chat", stack.Address, new Dictionary<string, string> { ["model"] = "chat", ["expect"] = "word by word" });
    }

    [Fact]
    public async Task PlaygroundImagesTabShowsAPictureFromAnImageModel()
    {
        await using var stack = await UiStack.StartAsync([UiStack.Model("painter", [], "    capabilities:\n      in: [text]\n      out: [image]\n")]);

        var output = await BrowserScenario.RunAsync("images", stack.Address, new Dictionary<string, string> { ["model"] = "painter" });

        Assert.Contains(output, line => line.Contains("px wide", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlaygroundAudioTabTranscribesAnUploadedRecording()
    {
        await using var stack = await UiStack.StartAsync([UiStack.Model("listener", [], "    capabilities:\n      in: [audio]\n      out: [text]\n")]);

        var output = await BrowserScenario.RunAsync("transcription", stack.Address, new Dictionary<string, string> { ["model"] = "listener" });

        Assert.Contains(output, line => line.StartsWith("transcript: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModelsPageLoadsAndUnloadsASimulator()
    {
        await using var stack = await UiStack.StartAsync([ChatModel("loadable", "    ttl: 300\n")]);
        using var client = stack.CreateClient();

        await BrowserScenario.RunAsync("models", stack.Address, new Dictionary<string, string> { ["model"] = "loadable", ["expect"] = "ttl" });

        var running = await client.GetStringAsync("/running", TestContext.Current.CancellationToken);
        Assert.Equal("""{"running":[]}""", running.Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEndpointModelShowsReadyWithoutLoadOrUnload()
    {
        await using var remote = await SimulatorProcess.StartAsync(["--model", "remote", "--port", "0", "--quiet"], cancellationToken: TestContext.Current.CancellationToken);
        await using var stack = await UiStack.StartAsync([$"  remote:\n    endpoint: {remote.BaseUrl}\n"], "endpointHealth: { interval: 500ms, timeout: 400ms }");

        await BrowserScenario.RunAsync("endpoint", stack.Address, new Dictionary<string, string> { ["model"] = "remote" });
    }

    [Fact]
    public async Task LogsPageShowsAnUpstreamLineLive()
    {
        await using var stack = await UiStack.StartAsync([ChatModel("talker")]);
        using var client = stack.CreateClient();
        var marker = $"marker{Guid.NewGuid():N}";

        await BrowserScenario.RunAsync("logs", stack.Address,
            new Dictionary<string, string> { ["source"] = "upstream", ["expect"] = $"model=talker" },
            onStep: async _ =>
            {
                using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
                    $$"""{"model":"talker","stream":true,"messages":[{"role":"user","content":"{{marker}}"}]}""", TestContext.Current.CancellationToken);
                await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            });
    }

    [Fact]
    public async Task ActivityPageShowsTheRequestWithItsTokens()
    {
        await using var stack = await UiStack.StartAsync([ChatModel("counted")], top: "captureBuffer: 5\n");
        using var client = stack.CreateClient();

        await BrowserScenario.RunAsync("activity", stack.Address, new Dictionary<string, string> { ["model"] = "counted", ["capture"] = "1" },
            onStep: async _ =>
            {
                using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
                    """{"model":"counted","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count me"}]}""",
                    TestContext.Current.CancellationToken);
                Assert.True(response.IsSuccessStatusCode, stack.ToString());
                await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            });
    }

    [Fact]
    public async Task BehindApiKeysTheBrowsersBasicPromptOpensEveryPageAndStream()
    {
        await using var stack = await UiStack.StartAsync([ChatModel("guarded")], top: "apiKeys: [\"sk-ui-test\"]\n");
        using var anonymous = stack.CreateClient();
        using var refused = await anonymous.GetAsync("/ui/", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);

        await BrowserScenario.RunAsync("basicauth", stack.Address, new Dictionary<string, string> { ["model"] = "guarded", ["basic-password"] = "sk-ui-test" });
    }

    [Fact]
    public async Task ActivityPageCancelsARunningRequest()
    {
        await using var stack = await UiStack.StartAsync([UiStack.Model("slow", ["--tokens-per-second", "4", "--max-tokens", "400"])]);
        using var client = stack.CreateClient();
        Task<string>? reading = null;

        await BrowserScenario.RunAsync("inflight", stack.Address, onStep: async step =>
        {
            if (step == "request")
            {
                var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
                    """{"model":"slow","stream":true,"messages":[{"role":"user","content":"take your time"}]}""", TestContext.Current.CancellationToken);
                Assert.True(response.IsSuccessStatusCode, stack.ToString());
                reading = ReadUntilEndAsync(response);
            }
            else
            {
                // 400 tokens at 4 a second would take 100 s: ending now means the cancel ended it.
                var body = await reading!.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
                Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
            }
        });
    }

    private static async Task<string> ReadUntilEndAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var received = new System.Text.StringBuilder();
            try
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
                while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
                    received.AppendLine(line);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // an aborted response ends the read with an error: that is the cancellation
            }
            return received.ToString();
        }
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using LlamaSwap.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace LlamaSwap.Tests.Proxy.Stack;

public sealed class SdkStackFixture : IAsyncLifetime
{
    public const string Key = "sk-sdk-test";

    internal SimulatorProcess Upstream { get; private set; } = null!;

    internal ProxyStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Upstream = await SimulatorProcess.StartAsync(["--model", "sdk-sim", "--tokens-per-second", "0", "--max-tokens", "6"],
            cancellationToken: TestContext.Current.CancellationToken);
        Stack = await ProxyStack.StartAsync(new StackConfig()
            .External("gpt-sim", Upstream.BaseUrl, "    aliases: [claude-sim]")
            .Model("one-at-a-time", ["--model", "one-at-a-time", "--tokens-per-second", "10", "--max-tokens", "200"], "    concurrencyLimit: 1")
            .Top($"apiKeys: [{Key}]"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
        if (Upstream is not null)
            await Upstream.DisposeAsync();
    }
}

/// <summary>The official OpenAI and Anthropic .NET SDKs work through the Proxy unchanged, and parse its errors.</summary>
public sealed class SdkTests(SdkStackFixture fixture) : IClassFixture<SdkStackFixture>
{
    private ChatClient OpenAi(string model, string key = SdkStackFixture.Key) => new(model, new ApiKeyCredential(key),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.Stack.BaseUrl + "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

    private AnthropicClient Anthropic(string key = SdkStackFixture.Key) => new() { ApiKey = key, BaseUrl = fixture.Stack.BaseUrl, MaxRetries = 0 };

    private static MessageCreateParams Message(string model) => new()
    {
        Model = model,
        MaxTokens = 100,
        Messages = [new MessageParam { Role = Role.User, Content = "one two three" }],
    };

    [Fact]
    public async Task OpenAiChatCompletesThroughTheProxy()
    {
        ChatCompletion completion = await OpenAi("gpt-sim").CompleteChatAsync([new UserChatMessage("one two three")],
            cancellationToken: TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("gpt-sim", completion.Model);
        Assert.Equal(6, completion.Content[0].Text.Split(' ').Length);
        Assert.Equal(3, completion.Usage.InputTokenCount);
    }

    [Fact]
    public async Task OpenAiStreamingDeliversTheSameTextAsTheWholeAnswer()
    {
        var client = OpenAi("gpt-sim");
        var parts = new List<string>();
        ChatFinishReason? finish = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("stream me")], new ChatCompletionOptions(),
            TestContext.Current.CancellationToken))
        {
            parts.AddRange(update.ContentUpdate.Select(p => p.Text).Where(t => t.Length > 0));
            finish = update.FinishReason ?? finish;
        }

        ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage("stream me")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(6, parts.Count);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(whole.Content[0].Text, string.Concat(parts));
    }

    [Fact]
    public async Task AnthropicMessagesWorkThroughTheProxy()
    {
        var message = await Anthropic().Messages.Create(Message("claude-sim"), TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.True(Assert.Single(message.Content).TryPickText(out var text));
        Assert.Equal(6, text.Text.Split(' ').Length);
        Assert.Equal("claude-sim", (string)message.Model);
        Assert.Equal(3, message.Usage.InputTokens);
    }

    [Fact]
    public async Task AnthropicStreamingWorksThroughTheProxy()
    {
        var deltas = new StringBuilder();
        var stopped = false;

        await foreach (var streamEvent in Anthropic().Messages.CreateStreaming(Message("claude-sim"), TestContext.Current.CancellationToken))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text))
                deltas.Append(text.Text);
            stopped |= streamEvent.TryPickStop(out _);
        }

        Assert.True(stopped);
        Assert.Equal(6, deltas.ToString().Trim().Split(' ').Length);
    }

    [Fact]
    public async Task OpenAiParsesTheProxysNotFoundAndUnauthorizedErrors()
    {
        var notFound = await Assert.ThrowsAsync<ClientResultException>(() =>
            OpenAi("no-such-model").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));
        var unauthorized = await Assert.ThrowsAsync<ClientResultException>(() =>
            OpenAi("gpt-sim", "sk-wrong").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(404, notFound.Status);
        Assert.Contains("no router for requested model", notFound.Message, StringComparison.Ordinal);
        Assert.Equal(401, unauthorized.Status);
        Assert.Contains("unauthorized: invalid or missing API key", unauthorized.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnthropicParsesTheProxysNotFoundAndUnauthorizedErrors()
    {
        var notFound = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => Anthropic().Messages.Create(Message("no-such-model"), TestContext.Current.CancellationToken));
        var unauthorized = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => Anthropic("sk-wrong").Messages.Create(Message("claude-sim"), TestContext.Current.CancellationToken));

        Assert.Contains("no router for requested model", notFound.Message, StringComparison.Ordinal);
        Assert.Contains("unauthorized: invalid or missing API key", unauthorized.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothSdksParseTheProxys429()
    {
        using var holder = fixture.Stack.CreateClient();
        holder.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SdkStackFixture.Key);
        using var held = await holder.PostJsonForStreamAsync("/v1/chat/completions",
            """{"model":"one-at-a-time","stream":true,"messages":[{"role":"user","content":"hi"}]}""", TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.OK, held.StatusCode);

        var openAi = await Assert.ThrowsAsync<ClientResultException>(() =>
            OpenAi("one-at-a-time").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));
        var anthropic = await Assert.ThrowsAsync<AnthropicRateLimitException>(() =>
            Anthropic().Messages.Create(Message("one-at-a-time"), TestContext.Current.CancellationToken));

        Assert.Equal(429, openAi.Status);
        Assert.Contains("Too many requests", openAi.Message, StringComparison.Ordinal);
        Assert.Contains("Too many requests", anthropic.Message, StringComparison.Ordinal);
    }
}

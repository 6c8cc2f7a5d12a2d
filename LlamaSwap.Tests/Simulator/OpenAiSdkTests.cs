using System.ClientModel;
using LlamaSwap.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace LlamaSwap.Tests.Simulator;

/// <summary>The official OpenAI .NET SDK talks to the simulator as to any OpenAI-compatible server.</summary>
public sealed class OpenAiSdkTests(SharedSimulatorFixture fixture) : IClassFixture<SharedSimulatorFixture>
{
    private OpenAIClientOptions Options => new() { Endpoint = new Uri(fixture.Simulator.BaseUrl + "/v1") };

    [Fact]
    public async Task ChatCompletionReturnsTextAndUsage()
    {
        var client = new ChatClient("gpt-sim", new ApiKeyCredential("x"), Options);

        ChatCompletion completion = await client.CompleteChatAsync(
            [new UserChatMessage("one two three four")], cancellationToken: TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("gpt-sim", completion.Model);
        var text = Assert.Single(completion.Content).Text;
        Assert.Equal(SharedSimulatorFixture.MaxTokens, text.Split(' ').Length);
        Assert.Equal(4, completion.Usage.InputTokenCount);
        Assert.Equal(SharedSimulatorFixture.MaxTokens, completion.Usage.OutputTokenCount);
        Assert.Equal(4 + SharedSimulatorFixture.MaxTokens, completion.Usage.TotalTokenCount);
        Assert.Contains(SharedSimulatorFixture.Model, completion.SystemFingerprint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletionHonoursMaxTokensWithFinishReasonLength()
    {
        var client = new ChatClient("gpt-sim", new ApiKeyCredential("x"), Options);

        ChatCompletion completion = await client.CompleteChatAsync(
            [new UserChatMessage("hello")], new ChatCompletionOptions { MaxOutputTokenCount = 3 },
            TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
        Assert.Equal(3, completion.Content[0].Text.Split(' ').Length);
    }

    [Fact]
    public async Task StreamingChatDeliversOneUpdatePerTokenThenUsage()
    {
        var client = new ChatClient("gpt-sim", new ApiKeyCredential("x"), Options);
        var parts = new List<string>();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in client.CompleteChatStreamingAsync(
            [new UserChatMessage("stream this please")], new ChatCompletionOptions(), TestContext.Current.CancellationToken))
        {
            parts.AddRange(update.ContentUpdate.Select(p => p.Text).Where(t => t.Length > 0));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(SharedSimulatorFixture.MaxTokens, parts.Count);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(3, usage.InputTokenCount);
        Assert.Equal(SharedSimulatorFixture.MaxTokens, usage.OutputTokenCount);

        ChatCompletion whole = await client.CompleteChatAsync(
            [new UserChatMessage("stream this please")], cancellationToken: TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.Equal(whole.Content[0].Text, string.Concat(parts));
    }

    [Fact]
    public async Task EmbeddingsAreDeterministicUnitVectors()
    {
        var client = new EmbeddingClient("embed-sim", new ApiKeyCredential("x"), Options);

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(
            ["first text", "second text", "first text"], cancellationToken: TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.Equal(3, embeddings.Count);
        var vectors = embeddings.Select(e => e.ToFloats().ToArray()).ToArray();
        Assert.All(vectors, v => Assert.Equal(8, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4));
        Assert.Equal(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
    }
}

using Anthropic;
using Anthropic.Models.Messages;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Simulator;

/// <summary>The official Anthropic .NET SDK talks to the simulator's Messages API.</summary>
public sealed class AnthropicSdkTests(SharedSimulatorFixture fixture) : IClassFixture<SharedSimulatorFixture>
{
    private AnthropicClient CreateClient() => new() { ApiKey = "x", BaseUrl = fixture.Simulator.BaseUrl, MaxRetries = 0 };

    [Fact]
    public async Task MessageReturnsTextAndUsage()
    {
        var client = CreateClient();

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "claude-sim",
            MaxTokens = 100,
            Messages = [new MessageParam { Role = Role.User, Content = "one two three" }],
        }, TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.True(Assert.Single(message.Content).TryPickText(out var text));
        Assert.Equal(SharedSimulatorFixture.MaxTokens, text.Text.Split(' ').Length);
        Assert.Equal("claude-sim", (string)message.Model);
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.Equal(3, message.Usage.InputTokens);
        Assert.Equal(SharedSimulatorFixture.MaxTokens, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task MessageHonoursMaxTokens()
    {
        var client = CreateClient();

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "claude-sim",
            MaxTokens = 2,
            Messages = [new MessageParam { Role = Role.User, Content = "hello" }],
        }, TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.Equal("max_tokens", message.StopReason?.Raw());
        Assert.Equal(2, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task StreamingMessageDeliversOneDeltaPerTokenAndFinalUsage()
    {
        var client = CreateClient();
        var deltas = new List<string>();
        long? outputTokens = null;
        var started = false;
        var stopped = false;

        await foreach (var streamEvent in client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude-sim",
            MaxTokens = 100,
            Messages = [new MessageParam { Role = Role.User, Content = "stream it" }],
        }, TestContext.Current.CancellationToken))
        {
            if (streamEvent.TryPickStart(out _))
                started = true;
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text))
                deltas.Add(text.Text);
            if (streamEvent.TryPickDelta(out var messageDelta))
                outputTokens = messageDelta.Usage.OutputTokens;
            if (streamEvent.TryPickStop(out _))
                stopped = true;
        }

        Assert.True(started);
        Assert.True(stopped);
        Assert.Equal(SharedSimulatorFixture.MaxTokens, deltas.Count);
        Assert.Equal(SharedSimulatorFixture.MaxTokens, outputTokens);
    }

    [Fact]
    public async Task CountTokensCountsPromptWords()
    {
        var client = CreateClient();

        var count = await client.Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "claude-sim",
            Messages = [new MessageParam { Role = Role.User, Content = "five words are in here" }],
        }, TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.Equal(5, count.InputTokens);
    }
}

using LlamaSwap.Simulator.Generation;

namespace LlamaSwap.Tests.Simulator;

public sealed class ResponseTextTests
{
    [Theory]
    [InlineData("hello world", new[] { "hello", " world" })]
    [InlineData("  leading and trailing  ", new[] { "  leading", " and", " trailing  " })]
    [InlineData("line one\nline two", new[] { "line", " one", "\nline", " two" })]
    [InlineData("single", new[] { "single" })]
    public void FixedTextSplitsIntoWordsThatConcatenateBackToTheText(string text, string[] expected)
    {
        var pieces = ResponseText.SplitKeepingWhitespace(text);

        Assert.Equal(expected, pieces);
        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void RequestCapShortensButNeverLengthensTheResponse()
    {
        var lorem = ResponseText.Create(null);
        var prompt = PromptDigest.OfText("three word prompt");

        var uncapped = GenerationPlan.Create(lorem, defaultLength: 10, requestCap: null, prompt);
        var shorter = GenerationPlan.Create(lorem, defaultLength: 10, requestCap: 4, prompt);
        var longer = GenerationPlan.Create(lorem, defaultLength: 10, requestCap: 1000, prompt);

        Assert.Equal((10, false, 3), (uncapped.CompletionTokens, uncapped.HitLimit, uncapped.PromptTokens));
        Assert.Equal((4, true), (shorter.CompletionTokens, shorter.HitLimit));
        Assert.Equal((10, false), (longer.CompletionTokens, longer.HitLimit));
    }

    [Fact]
    public void FixedResponseLengthIsItsWordCount()
    {
        var text = ResponseText.Create("one two three");

        var plan = GenerationPlan.Create(text, defaultLength: 10, requestCap: null, PromptDigest.Empty);

        Assert.Equal(3, plan.CompletionTokens);
        Assert.Equal("one two three", text.Text(plan.Offset, plan.CompletionTokens));
    }

    [Fact]
    public void SamePromptGivesSameWordsAndDifferentPromptsDiffer()
    {
        var lorem = ResponseText.Create(null);
        string Answer(string prompt)
        {
            var plan = GenerationPlan.Create(lorem, 6, null, PromptDigest.OfText(prompt));
            return lorem.Text(plan.Offset, plan.CompletionTokens);
        }

        Assert.Equal(Answer("tell me a story"), Answer("tell me a story"));
        Assert.NotEqual(Answer("tell me a story"), Answer("tell me a joke"));
    }
}

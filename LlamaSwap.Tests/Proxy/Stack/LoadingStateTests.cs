using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace LlamaSwap.Tests.Proxy.Stack;

public sealed class LoadingStackFixture : IAsyncLifetime
{
    private static readonly string[] Slow = ["--load-time", "1500ms", "--tokens-per-second", "0", "--max-tokens", "4"];

    internal ProxyStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Stack = await ProxyStack.StartAsync(new StackConfig()
        .Model("reasoning", ["--model", "reasoning", .. Slow], "    sendLoadingState: true")
        .Model("comments", ["--model", "comments", .. Slow], "    sendLoadingState: true\n    loadingStateStyle: comments")
        .Model("quiet", ["--model", "quiet", .. Slow])
        .Model("failing", ["--model", "failing", "--fail", "exit:3"], "    sendLoadingState: true"));

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
    }
}

/// <summary>Loading progress streamed to a streaming chat client while its model starts, in both styles.</summary>
public sealed class LoadingStateTests(LoadingStackFixture fixture) : IClassFixture<LoadingStackFixture>
{
    private static string Chat(string model, bool stream = true) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hello there"}]}""";

    /// <summary>Stops every model, so the next request has to start one.</summary>
    private async Task ColdAsync() =>
        await fixture.Stack.Supervisor.UnloadAsync(new UnloadRequest { Hard = true }, new CallOptions(CancellationToken: TestContext.Current.CancellationToken))
            .DefaultTimeout();

    private async Task<(HttpResponseMessage Response, List<ServerSentEvent> Events)> StreamAsync(string path, string json)
    {
        using var client = fixture.Stack.CreateClient();
        var response = await client.PostJsonForStreamAsync(path, json, TestContext.Current.CancellationToken).DefaultTimeout();
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken).DefaultTimeout();
        return (response, events);
    }

    private static string? Reasoning(ServerSentEvent e) =>
        !e.IsDone && JsonDocument.Parse(e.Data).RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("reasoning_content", out var text)
            ? text.GetString()
            : null;

    private static string? Content(ServerSentEvent e)
    {
        if (e.IsDone)
            return null;
        var choices = JsonDocument.Parse(e.Data).RootElement.GetProperty("choices");
        if (choices.GetArrayLength() == 0)
            return null;
        return choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var text) ? text.GetString() : null;
    }

    [Fact]
    public async Task TheReasoningStyleStreamsABannerProgressAndDoneBeforeTheAnswer()
    {
        await ColdAsync();

        var (response, events) = await StreamAsync("/v1/chat/completions", Chat("reasoning"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        var loading = events.TakeWhile(e => Reasoning(e) is not null).Select(e => Reasoning(e)!).ToList();
        var text = string.Concat(loading);
        Assert.StartsWith("━━━━━\nllama-swap loading model: reasoning\n", text, StringComparison.Ordinal);
        Assert.Contains(".", text[40..], StringComparison.Ordinal);
        Assert.Matches(@"\nDone! \(\d+\.\d\ds\)\n━━━━━\n \n$", text);
        var answer = events.Skip(loading.Count).ToList();
        Assert.Equal(4, answer.Count(e => Content(e) is { Length: > 0 }));
        Assert.True(answer[^1].IsDone);
    }

    [Fact]
    public async Task TheCommentsStyleIsInvisibleToTheOpenAiSdk()
    {
        await ColdAsync();
        using var raw = fixture.Stack.CreateClient();
        using var rawResponse = await raw.PostJsonForStreamAsync("/v1/chat/completions", Chat("comments"), TestContext.Current.CancellationToken);
        var body = await rawResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken).DefaultTimeout();
        await ColdAsync();
        var client = new ChatClient("comments", new ApiKeyCredential("x"),
            new OpenAIClientOptions { Endpoint = new Uri(fixture.Stack.BaseUrl + "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

        var whileLoading = await CollectAsync(client);
        var whenReady = await CollectAsync(client);

        Assert.StartsWith(": llama-swap loading model: comments\n\n", body, StringComparison.Ordinal);
        Assert.Contains("\n\n: model comments ready after ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("reasoning_content", body, StringComparison.Ordinal);
        Assert.NotEmpty(whileLoading);
        Assert.Equal(whenReady, whileLoading);
    }

    [Fact]
    public async Task NoLoadingStreamWithoutStreamingOrOnVersionlessRoutesOrWhenOff()
    {
        await ColdAsync();
        using var client = fixture.Stack.CreateClient();

        var whole = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", Chat("reasoning", stream: false));
        await ColdAsync();
        var (versionless, versionlessEvents) = await StreamAsync("/v/chat/completions", Chat("reasoning"));
        var (off, offEvents) = await StreamAsync("/v1/chat/completions", Chat("quiet"));

        Assert.Equal(HttpStatusCode.OK, whole.Status);
        Assert.Equal("chat.completion", whole.Json.GetProperty("object").GetString());
        Assert.Equal(HttpStatusCode.OK, versionless.StatusCode);
        Assert.All(versionlessEvents, e => Assert.Null(e.IsDone ? null : Reasoning(e)));
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.All(offEvents, e => Assert.Null(e.IsDone ? null : Reasoning(e)));
    }

    [Fact]
    public async Task AStartFailureAfterTheLoadingStreamBeganIsAppendedAsAnEnvelope()
    {
        using var client = fixture.Stack.CreateClient();

        using var response = await client.PostJsonForStreamAsync("/v1/chat/completions", Chat("failing"), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var split = body.LastIndexOf("{\"src\":", StringComparison.Ordinal);
        var loading = body[..split].Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => Reasoning(new ServerSentEvent(null, e["data: ".Length..], TimeSpan.Zero)));
        Assert.Contains("llama-swap loading model: failing", string.Concat(loading), StringComparison.Ordinal);
        var error = JsonDocument.Parse(body[split..]).RootElement.GetProperty("error");
        Assert.StartsWith("unspecific error: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<string> CollectAsync(ChatClient client)
    {
        var text = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hello there")], new ChatCompletionOptions(),
            TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
        }

        return text.ToString();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>Each body filter, as the upstream receives the body (the simulator echoes it with its Content-Length).</summary>
public sealed class FilterTests(EchoStackFixture fixture) : IClassFixture<EchoStackFixture>
{
    private static string Chat(string model, string extra = "") =>
        $$"""{"messages":[{"role":"user","content":"hi"}],"temperature":0.9,"top_p":0.8{{extra}},"model":"{{model}}"}""";

    private static void AssertLengthMatches(ProxyResponse response) =>
        Assert.Equal(Encoding.UTF8.GetByteCount(response.RequestBodyText), response.ReceivedContentLength);

    [Fact]
    public async Task AnUnfilteredBodyArrivesByteForByte()
    {
        using var client = fixture.Stack.CreateClient();
        var body = Chat("plain", ",\"n\":1.50");

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", body);

        Assert.Equal(body, response.RequestBodyText);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), response.ReceivedContentLength);
    }

    [Fact]
    public async Task UseModelNameReplacesOnlyTheModelValue()
    {
        using var client = fixture.Stack.CreateClient();
        var body = Chat("renamed");

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", body);

        Assert.Equal(body.Replace("\"model\":\"renamed\"", "\"model\":\"upstream-name\"", StringComparison.Ordinal), response.RequestBodyText);
        AssertLengthMatches(response);
    }

    [Fact]
    public async Task StripParamsRemovesTheListedKeys()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", Chat("stripper"));

        var sent = response.RequestBody;
        Assert.False(sent.TryGetProperty("temperature", out _));
        Assert.False(sent.TryGetProperty("top_p", out _));
        Assert.Equal("stripper", sent.GetProperty("model").GetString());
        AssertLengthMatches(response);
    }

    [Fact]
    public async Task SetParamsSetsValuesIncludingNestedPaths()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", Chat("setter"));

        var sent = response.RequestBody;
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble());
        Assert.False(sent.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
        AssertLengthMatches(response);
    }

    [Fact]
    public async Task SetParamsByIdAppliesForTheNameTheClientUsed()
    {
        using var client = fixture.Stack.CreateClient();

        var byAlias = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", Chat("byid:high"));
        var byId = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", Chat("byid"));

        Assert.Equal("high", byAlias.RequestBody.GetProperty("reasoning_effort").GetString());
        Assert.Equal("byid:high", byAlias.RequestBody.GetProperty("model").GetString());
        AssertLengthMatches(byAlias);
        Assert.False(byId.RequestBody.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public async Task AChunkedRequestBodyIsForwardedWithTheFilteredLength()
    {
        using var client = fixture.Stack.CreateClient();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Chat("stripper"))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?echo=true") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await ProxyResponse.SendAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        AssertLengthMatches(response);
        Assert.Null(response.ReceivedHeader("Transfer-Encoding"));
    }

    [Fact]
    public async Task UseModelNameRewritesAMultipartModelFieldAndKeepsTheFileIntact()
    {
        using var client = fixture.Stack.CreateClient();
        var audio = new byte[300_000];
        new Random(11).NextBytes(audio);
        using var form = new MultipartFormDataContent("test-boundary-1");
        var file = new ByteArrayContent(audio);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", "speech.wav");
        form.Add(new StringContent("renamed"), "model");
        form.Add(new StringContent("en"), "language");
        var originalLength = (await form.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length;

        var response = await ProxyResponse.SendAsync(client, new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = form });

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        var json = response.Json;
        Assert.Equal("upstream-name", json.GetProperty("model").GetString());
        Assert.Equal(audio.Length, json.GetProperty("file").GetProperty("size").GetInt32());
        Assert.Equal("speech.wav", json.GetProperty("file").GetProperty("name").GetString());
        Assert.Equal("audio/wav", json.GetProperty("file").GetProperty("content_type").GetString());
        Assert.Equal("en", json.GetProperty("fields").GetProperty("language").GetString());
        Assert.Equal(originalLength + ("upstream-name".Length - "renamed".Length), json.GetProperty("h_content_length").GetInt64());
    }

    [Fact]
    public async Task PeerFiltersApplyAndThePeerSeesItsOwnModelName()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions?echo=true", Chat("p1/remote-a"));

        Assert.Equal("peer-sim", response.SimulatorModel);
        var sent = response.RequestBody;
        Assert.Equal("remote-a", sent.GetProperty("model").GetString());
        Assert.True(sent.GetProperty("peer_flag").GetBoolean());
        AssertLengthMatches(response);
    }

    [Fact]
    public async Task JsonFiltersDoNotTouchMultipartFields()
    {
        using var client = fixture.Stack.CreateClient();
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(new byte[16]), "file", "a.wav");
        form.Add(new StringContent("stripper"), "model");
        form.Add(new StringContent("0.9"), "temperature");

        var response = await ProxyResponse.SendAsync(client, new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = form });

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal("0.9", response.Json.GetProperty("fields").GetProperty("temperature").GetString());
    }

    [Fact]
    public async Task MalformedJsonHasNoModel()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/chat/completions", """{"model":"stripper","messages":[ broken""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("no model id could be identified", response.Envelope.Message);
    }

    [Fact]
    public async Task ABodyBrokenAfterItsModelIsA400WhenAFilterMustReadItWhole()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, "/v1/embeddings", """{"model":"stripper","input":[ broken""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("could not read request body", response.Envelope.Message, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>Every model-dispatched route of llama-swap's table reaches the model's upstream under the right path.</summary>
public sealed class RouteTableTests(EchoStackFixture fixture) : IClassFixture<EchoStackFixture>
{
    private const string Chat = """{"model":"plain","messages":[{"role":"user","content":"hi"}]}""";

    public static TheoryData<string, string, string> JsonRoutes => new()
    {
        { "/v1/chat/completions", "/v1/chat/completions", Chat },
        { "/v1/responses", "/v1/responses", """{"model":"plain","input":"hi"}""" },
        { "/v1/completions", "/v1/completions", """{"model":"plain","prompt":"hi"}""" },
        { "/v1/embeddings", "/v1/embeddings", """{"model":"plain","input":"hi"}""" },
        { "/v1/images/generations", "/v1/images/generations", """{"model":"plain","prompt":"a cat"}""" },
        { "/v1/messages", "/v1/messages", """{"model":"plain","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""" },
        { "/v1/messages/count_tokens", "/v1/messages/count_tokens", """{"model":"plain","messages":[{"role":"user","content":"hi"}]}""" },
        { "/reranking", "/reranking", """{"model":"plain","query":"a","documents":["a","b"]}""" },
        { "/rerank", "/rerank", """{"model":"plain","query":"a","documents":["a","b"]}""" },
        { "/v1/rerank", "/v1/rerank", """{"model":"plain","query":"a","documents":["a","b"]}""" },
        { "/v1/reranking", "/v1/reranking", """{"model":"plain","query":"a","documents":["a","b"]}""" },
        { "/infill", "/infill", """{"model":"plain","input_prefix":"a","input_suffix":"b"}""" },
        { "/completion", "/completion", """{"model":"plain","prompt":"hi"}""" },
        { "/sdapi/v1/txt2img", "/sdapi/v1/txt2img", """{"model":"plain","prompt":"a cat"}""" },
        { "/sdapi/v1/img2img", "/sdapi/v1/img2img", """{"model":"plain","prompt":"a cat"}""" },
        { "/v/chat/completions", "/chat/completions", Chat },
        { "/v/responses", "/responses", """{"model":"plain","input":"hi"}""" },
        { "/v/completions", "/completions", """{"model":"plain","prompt":"hi"}""" },
        { "/v/messages", "/messages", """{"model":"plain","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""" },
        { "/v/messages/count_tokens", "/messages/count_tokens", """{"model":"plain","messages":[{"role":"user","content":"hi"}]}""" },
        { "/v/embeddings", "/embeddings", """{"model":"plain","input":"hi"}""" },
        { "/v/rerank", "/rerank", """{"model":"plain","query":"a","documents":["a"]}""" },
        { "/v/reranking", "/reranking", """{"model":"plain","query":"a","documents":["a"]}""" },
    };

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task JsonRoutesReachTheUpstreamUnderTheirUpstreamPath(string route, string upstreamPath, string body)
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, route + "?echo=true", body);

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal(upstreamPath + "?echo=true", response.RequestPath);
    }

    [Theory]
    [InlineData("/v1/audio/speech")]
    public async Task SpeechIsForwardedAndItsAudioComesBack(string route)
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, route, """{"model":"plain","input":"hello"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("audio/wav", response.ContentHeaders.ContentType?.MediaType);
        Assert.Equal("echo-sim", response.SimulatorModel);
    }

    [Theory]
    [InlineData("/v1/audio/voices", "POST /v1/audio/voices")]
    [InlineData("/audioapi/v1/tasks/run", "POST /v1/tasks/run")]
    public async Task RoutesTheSimulatorDoesNotServeStillReachItUnderTheirUpstreamPath(string route, string seen)
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.PostJsonAsync(client, route, """{"model":"plain","input":"x"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Contains($"no route for {seen}", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/audio/transcriptions", "file")]
    [InlineData("/v1/audio/translations", "file")]
    [InlineData("/v1/images/edits", "image")]
    public async Task MultipartRoutesReadTheModelFromTheForm(string route, string fileField)
    {
        using var client = fixture.Stack.CreateClient();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(new byte[4096]);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, fileField, "upload.bin");
        form.Add(new StringContent("plain"), "model");
        form.Add(new StringContent("a cat"), "prompt");

        var response = await ProxyResponse.SendAsync(client, new HttpRequestMessage(HttpMethod.Post, route + "?echo=true") { Content = form });

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal(route + "?echo=true", response.RequestPath);
    }

    [Theory]
    [InlineData("/props?model=plain", "plain")]
    [InlineData("/v1/audio/voices?model=plain", "plain")]
    public async Task GetRoutesReadTheModelFromTheQuery(string route, string model)
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, route);

        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal(model, response.Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task SdapiLorasIsAGetRouteWithTheModelInTheQuery()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/sdapi/v1/loras?model=plain");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("echo-sim", response.SimulatorModel);
        Assert.Equal("[]", response.Body);
    }

    [Fact]
    public async Task AUrlEncodedFormBodyCarriesTheModel()
    {
        using var client = fixture.Stack.CreateClient();
        var content = new FormUrlEncodedContent([new("model", "plain"), new("prompt", "hi")]);

        var response = await ProxyResponse.SendAsync(client, new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = content });

        // The simulator wants JSON; what matters is that the Proxy found the model and forwarded the form.
        Assert.Equal("echo-sim", response.SimulatorModel);
    }

    [Fact]
    public async Task AWrongMethodOnAKnownPathIs405WithAllow()
    {
        using var client = fixture.Stack.CreateClient();

        using var response = await client.GetAsync("/v1/chat/completions", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task AnUnknownPathIsAPlainText404()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/no/such/route");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("404 page not found\n", response.Body);
        Assert.Equal("text/plain", response.ContentHeaders.ContentType?.MediaType);
    }

    [Fact]
    public async Task WolHealthAnswersOk()
    {
        using var client = fixture.Stack.CreateClient();

        var response = await ProxyResponse.GetAsync(client, "/wol-health");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("OK", response.Body);
    }

    [Fact]
    public async Task CorsPreflightIsAnsweredOnAnyPathBeforeAuth()
    {
        using var client = fixture.Stack.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        request.Headers.Add("Origin", "http://ui.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type, authorization, bad header");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("GET, POST, PUT, PATCH, DELETE, OPTIONS", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("content-type, authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("86400", response.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.Equal(0, Encoding.UTF8.GetByteCount(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }
}

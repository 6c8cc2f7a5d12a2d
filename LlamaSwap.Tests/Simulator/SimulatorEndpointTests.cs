using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Simulator;

/// <summary>The simulator's HTTP surface, over raw HttpClient against one shared process.</summary>
public sealed class SimulatorEndpointTests(SharedSimulatorFixture fixture) : IClassFixture<SharedSimulatorFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData("GET", "/health")]
    [InlineData("GET", "/v1/models")]
    [InlineData("GET", "/no/such/route")]
    [InlineData("POST", "/v1/chat/completions")]
    public async Task EveryResponseNamesTheModelAndPortThatServedIt(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = Json("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");

        using var response = await Client.SendAsync(request, Cancellation).DefaultTimeout();

        Assert.Equal(SharedSimulatorFixture.Model, Assert.Single(response.Headers.GetValues("X-Simulator-Model")));
        Assert.Equal(fixture.Simulator.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Assert.Single(response.Headers.GetValues("X-Simulator-Port")));
    }

    [Fact]
    public async Task ChatBodyCarriesUsageTimingsAndSimulatorIdentity()
    {
        using var response = await Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"asked-for","max_tokens":5,"messages":[{"role":"user","content":"a b c"}]}"""), Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);
        var root = body.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Content.Headers.ContentLength);
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("asked-for", root.GetProperty("model").GetString());
        Assert.Equal("length", root.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var timings = root.GetProperty("timings");
        Assert.Equal(3, timings.GetProperty("prompt_n").GetInt32());
        Assert.Equal(5, timings.GetProperty("predicted_n").GetInt32());
        Assert.True(timings.GetProperty("predicted_ms").GetDouble() >= 0);
        Assert.True(timings.TryGetProperty("predicted_per_second", out _));
        Assert.True(timings.TryGetProperty("prompt_per_second", out _));
        Assert.Equal(0, timings.GetProperty("cache_n").GetInt32());
        var simulator = root.GetProperty("simulator");
        Assert.Equal(SharedSimulatorFixture.Model, simulator.GetProperty("model").GetString());
        Assert.Equal(fixture.Simulator.Port, simulator.GetProperty("port").GetInt32());
        Assert.Equal(fixture.Simulator.Pid, simulator.GetProperty("pid").GetInt32());
        Assert.False(root.TryGetProperty("request_body", out _));
    }

    [Fact]
    public async Task EchoModeReturnsTheRawBodyAndReceivedContentLength()
    {
        const string payload = """{"model":"m", "messages":[{"role":"user","content":"echo me"}], "extra":{"kept":true}}""";

        using var response = await Client.PostAsync("/v1/chat/completions?echo=true", Json(payload), Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);
        var root = body.RootElement;

        Assert.Equal(payload, root.GetProperty("request_body").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(payload), root.GetProperty("h_content_length").GetInt64());
        Assert.Equal("/v1/chat/completions?echo=true", root.GetProperty("request_path").GetString());
        Assert.Equal("application/json; charset=utf-8", root.GetProperty("request_headers").GetProperty("content-type").GetString());
    }

    [Fact]
    public async Task EchoModeReportsAMissingContentLengthAsNull()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("""{"model":"m","messages":[]}""")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?echo=true") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(request, Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);

        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("h_content_length").ValueKind);
        Assert.Equal("""{"model":"m","messages":[]}""", body.RootElement.GetProperty("request_body").GetString());
    }

    [Fact]
    public async Task StreamingIsSelectedByTheQueryAsWellAsTheBody()
    {
        using var response = await Client.PostJsonForStreamAsync("/v1/chat/completions?stream=true",
            """{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Cancellation).DefaultTimeout();
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation).DefaultTimeout();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(events[^1].IsDone);
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(SharedSimulatorFixture.MaxTokens, chunks.Count(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) && t.GetString()!.Length > 0));
        var final = chunks[^1];
        Assert.Equal("stop", final.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(SharedSimulatorFixture.MaxTokens, final.GetProperty("timings").GetProperty("predicted_n").GetInt32());
        Assert.False(chunks.Any(c => c.TryGetProperty("usage", out _)), "usage is only sent when stream_options.include_usage is true");
    }

    [Fact]
    public async Task MalformedJsonIsA400NamingTheProblem()
    {
        using var response = await Client.PostAsync("/v1/chat/completions", Json("""{"model": "m", """), Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = body.RootElement.GetProperty("error");
        Assert.StartsWith("request body is not valid JSON", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task WrongFieldTypeNamesTheField()
    {
        using var response = await Client.PostAsync("/v1/completions", Json("""{"model":"m","prompt":"x","max_tokens":"ten"}"""), Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("max_tokens", body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task AnthropicEndpointErrorsUseTheAnthropicEnvelope()
    {
        using var response = await Client.PostAsync("/v1/messages", Json("not json"), Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task UnknownRouteIsA404Envelope()
    {
        using var response = await Client.GetAsync("/v2/unknown", Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/v2/unknown", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TranscriptionStreamsTheUploadAndReportsSizeAndFields()
    {
        const int size = 3 * 1024 * 1024 + 17;
        var audio = new byte[size];
        new Random(42).NextBytes(audio);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("whisper-sim"), "model" },
            { new StringContent("en"), "language" },
            { new ByteArrayContent(audio) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", "speech.wav" },
        };

        using var response = await Client.PostAsync("/v1/audio/transcriptions", form, Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);
        var root = body.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"received {size} bytes", root.GetProperty("text").GetString());
        Assert.Equal("whisper-sim", root.GetProperty("model").GetString());
        Assert.Equal("en", root.GetProperty("fields").GetProperty("language").GetString());
        Assert.Equal("whisper-sim", root.GetProperty("fields").GetProperty("model").GetString());
        var file = root.GetProperty("file");
        Assert.Equal("speech.wav", file.GetProperty("name").GetString());
        Assert.Equal(size, file.GetProperty("size").GetInt64());
        Assert.Equal("audio/wav", file.GetProperty("content_type").GetString());
        Assert.StartsWith("multipart/form-data; boundary=", root.GetProperty("h_content_type").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("h_content_length").GetInt64() > size);
    }

    [Fact]
    public async Task TranscriptionWithoutAFileIsA400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("whisper-sim"), "model" } };

        using var response = await Client.PostAsync("/v1/audio/transcriptions", form, Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("file", body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task ResponsesApiStreamsItsEventSequence()
    {
        using var response = await Client.PostAsync("/v1/responses",
            Json("""{"model":"r","input":"hello","stream":true,"max_output_tokens":3}"""), Cancellation).DefaultTimeout();
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation).DefaultTimeout();

        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.incomplete"],
            events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal(e.Event, JsonDocument.Parse(e.Data).RootElement.GetProperty("type").GetString()));
        var usage = JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("response").GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(1, usage.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task ResponsesApiCompletesWhenNotCapped()
    {
        using var response = await Client.PostAsync("/v1/responses",
            Json("""{"model":"r","input":[{"role":"user","content":[{"type":"input_text","text":"two words"}]}]}"""), Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);
        var root = body.RootElement;

        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal(2, root.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        var text = root.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Equal(SharedSimulatorFixture.MaxTokens, text.Split(' ').Length);
    }

    [Fact]
    public async Task AnthropicStreamFollowsTheMessagesEventSequence()
    {
        using var response = await Client.PostAsync("/v1/messages",
            Json("""{"model":"c","max_tokens":2,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""), Cancellation).DefaultTimeout();
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation).DefaultTimeout();

        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        var delta = JsonDocument.Parse(events[^2].Data).RootElement;
        Assert.Equal("max_tokens", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(2, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task LlamaServerCompletionStreamsContentAndEndsWithTimingsWithoutDone()
    {
        using var response = await Client.PostAsync("/completion",
            Json("""{"prompt":"once upon","n_predict":3,"stream":true}"""), Cancellation).DefaultTimeout();
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation).DefaultTimeout();

        Assert.Equal(4, events.Count);
        Assert.DoesNotContain(events, e => e.IsDone);
        var final = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.True(final.GetProperty("stop").GetBoolean());
        Assert.Equal("limit", final.GetProperty("stop_type").GetString());
        Assert.Equal(3, final.GetProperty("timings").GetProperty("predicted_n").GetInt32());
        Assert.Equal(2, final.GetProperty("timings").GetProperty("prompt_n").GetInt32());
    }

    [Theory]
    [InlineData("/v1/rerank")]
    [InlineData("/rerank")]
    [InlineData("/reranking")]
    [InlineData("/v1/reranking")]
    public async Task RerankSortsDocumentsByRelevance(string path)
    {
        using var response = await Client.PostAsync(path,
            Json("""{"model":"rr","query":"red apple","documents":["blue sky","red apple pie","green apple"],"top_n":2,"return_documents":true}"""),
            Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);
        var results = body.RootElement.GetProperty("results");

        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal(1, results[0].GetProperty("index").GetInt32());
        Assert.Equal("red apple pie", results[0].GetProperty("document").GetProperty("text").GetString());
        Assert.Equal(2, results[1].GetProperty("index").GetInt32());
        Assert.True(results[0].GetProperty("relevance_score").GetDouble() > results[1].GetProperty("relevance_score").GetDouble());
    }

    [Fact]
    public async Task ImagesAndSpeechReturnValidMedia()
    {
        using var image = await Client.PostAsync("/v1/images/generations", Json("""{"model":"sd","prompt":"a cat","n":2}"""), Cancellation).DefaultTimeout();
        using var imageBody = await ReadJsonAsync(image);
        var data = imageBody.RootElement.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        var png = Convert.FromBase64String(data[0].GetProperty("b64_json").GetString()!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        using var sd = await Client.PostAsync("/sdapi/v1/txt2img", Json("""{"model":"sd","prompt":"a cat"}"""), Cancellation).DefaultTimeout();
        using var sdBody = await ReadJsonAsync(sd);
        Assert.Equal(png, Convert.FromBase64String(sdBody.RootElement.GetProperty("images")[0].GetString()!));
        Assert.Equal("sd", sdBody.RootElement.GetProperty("model").GetString());

        using var speech = await Client.PostAsync("/v1/audio/speech", Json("""{"model":"tts","input":"hello","voice":"alloy"}"""), Cancellation).DefaultTimeout();
        var wav = await speech.Content.ReadAsByteArrayAsync(Cancellation);
        Assert.Equal("audio/wav", speech.Content.Headers.ContentType?.MediaType);
        Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
        Assert.Equal("WAVE"u8.ToArray(), wav[8..12]);
    }

    [Fact]
    public async Task GetEndpointsDescribeTheServer()
    {
        using var models = await ReadJsonAsync(await Client.GetAsync("/v1/models", Cancellation).DefaultTimeout());
        Assert.Equal(SharedSimulatorFixture.Model, models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());

        using var props = await ReadJsonAsync(await Client.GetAsync("/props?model=queried", Cancellation).DefaultTimeout());
        Assert.Equal("queried", props.RootElement.GetProperty("model").GetString());
        Assert.Equal(SharedSimulatorFixture.Model, props.RootElement.GetProperty("model_alias").GetString());

        using var voices = await ReadJsonAsync(await Client.GetAsync("/v1/audio/voices?model=tts", Cancellation).DefaultTimeout());
        Assert.Equal("tts", voices.RootElement.GetProperty("model").GetString());

        var root = await Client.GetStringAsync("/", Cancellation).DefaultTimeout();
        Assert.Contains(SharedSimulatorFixture.Model, root, StringComparison.Ordinal);

        var env = await Client.GetStringAsync("/env", Cancellation).DefaultTimeout();
        Assert.Contains($"{SharedSimulatorFixture.EnvironmentMarker}=marker-value\n", env, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowRespondWritesEachCharacterSeparately()
    {
        using var response = await Client.GetAsync("/slow-respond?echo=abcd&delay=30ms", HttpCompletionOption.ResponseHeadersRead, Cancellation).DefaultTimeout();
        await using var stream = await response.Content.ReadAsStreamAsync(Cancellation);
        var buffer = new byte[16];
        var reads = new List<string>();
        int read;
        while ((read = await stream.ReadAsync(buffer, Cancellation).DefaultTimeout()) > 0)
            reads.Add(Encoding.UTF8.GetString(buffer, 0, read));

        Assert.Equal("abcd", string.Concat(reads));
        Assert.True(reads.Count >= 2, $"expected the characters to arrive in separate reads, got [{string.Join(",", reads)}]");
    }

    [Fact]
    public async Task WaitQueryDelaysTheResponse()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await Client.PostAsync("/v1/embeddings?wait=300ms", Json("""{"model":"e","input":"x"}"""), Cancellation).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task TextCompletionStreamEndsWithUsageWhenAskedFor()
    {
        using var response = await Client.PostJsonForStreamAsync("/v1/completions",
            """{"model":"m","prompt":"say something","max_tokens":2,"stream":true,"stream_options":{"include_usage":true}}""", Cancellation).DefaultTimeout();
        var events = await ServerSentEvents.ReadAllAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation).DefaultTimeout();

        Assert.True(events[^1].IsDone);
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Equal(2, chunks.Count(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("text").GetString()!.Length > 0));
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(chunks[^2].TryGetProperty("timings", out _));
        var usage = chunks[^1].GetProperty("usage");
        Assert.Equal(2, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
    }

    [Fact]
    public async Task InfillAnswersInTheLlamaServerShape()
    {
        using var response = await Client.PostAsync("/infill",
            Json("""{"input_prefix":"def add(a, b):","input_suffix":"return c","n_predict":4}"""), Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(response);
        var root = body.RootElement;

        Assert.Equal(4, root.GetProperty("content").GetString()!.Split(' ').Length);
        Assert.Equal(4, root.GetProperty("tokens_predicted").GetInt32());
        Assert.Equal(5, root.GetProperty("tokens_evaluated").GetInt32());
        Assert.True(root.GetProperty("stop").GetBoolean());
    }

    [Fact]
    public async Task EmbeddingsAsFloatsAndAsBase64Agree()
    {
        using var floats = await ReadJsonAsync(await Client.PostAsync("/v1/embeddings",
            Json("""{"model":"e","input":"same text","dimensions":16}"""), Cancellation).DefaultTimeout());
        using var base64 = await ReadJsonAsync(await Client.PostAsync("/embeddings",
            Json("""{"model":"e","input":["same text"],"dimensions":16,"encoding_format":"base64"}"""), Cancellation).DefaultTimeout());

        var fromFloats = floats.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var bytes = Convert.FromBase64String(base64.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var fromBase64 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        Assert.Equal(16, fromFloats.Length);
        Assert.Equal(fromFloats, fromBase64);
    }

    [Fact]
    public async Task ImageEditsNeedAnImageFile()
    {
        using var withImage = new MultipartFormDataContent
        {
            { new StringContent("sd"), "model" },
            { new StringContent("make it blue"), "prompt" },
            { new ByteArrayContent([1, 2, 3]), "image", "in.png" },
        };
        using var withoutImage = new MultipartFormDataContent { { new StringContent("sd"), "model" } };

        using var edited = await Client.PostAsync("/v1/images/edits", withImage, Cancellation).DefaultTimeout();
        using var refused = await Client.PostAsync("/v1/images/edits", withoutImage, Cancellation).DefaultTimeout();
        using var body = await ReadJsonAsync(edited);

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("make it blue", body.RootElement.GetProperty("data")[0].GetProperty("revised_prompt").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancellation).DefaultTimeout();
        return JsonDocument.Parse(text);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>A whole response read through the Proxy, with helpers for the simulator's echo fields.</summary>
internal sealed record ProxyResponse(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The simulator that answered, or null when the Proxy answered itself.</summary>
    public string? SimulatorModel => Headers.TryGetValues("X-Simulator-Model", out var values) ? values.Single() : null;

    /// <summary>The path and query the simulator received (echo mode).</summary>
    public string RequestPath => Json.GetProperty("request_path").GetString()!;

    public string RequestBodyText => Json.GetProperty("request_body").GetString()!;

    public JsonElement RequestBody => JsonDocument.Parse(RequestBodyText).RootElement;

    public long? ReceivedContentLength =>
        Json.GetProperty("h_content_length") is { ValueKind: JsonValueKind.Number } length ? length.GetInt64() : null;

    public string? ReceivedHeader(string name) =>
        Json.GetProperty("request_headers").TryGetProperty(name.ToLowerInvariant(), out var value) ? value.GetString() : null;

    /// <summary>The Proxy's own error envelope: (message, type, code).</summary>
    public (string Message, string Type, string? Code) Envelope
    {
        get
        {
            Assert.Equal("llama-swap", Json.GetProperty("src").GetString());
            var error = Json.GetProperty("error");
            return (error.GetProperty("message").GetString()!, error.GetProperty("type").GetString()!,
                error.TryGetProperty("code", out var code) ? code.GetString() : null);
        }
    }

    public override string ToString() => $"{(int)Status} {Body}";

    public static async Task<ProxyResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken).DefaultTimeout();
        return new ProxyResponse(response.StatusCode, response.Headers, response.Content.Headers, body);
    }

    public static Task<ProxyResponse> PostJsonAsync(HttpClient client, string path, string json, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return SendAsync(client, request);
    }

    public static Task<ProxyResponse> GetAsync(HttpClient client, string path, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        return SendAsync(client, request);
    }
}

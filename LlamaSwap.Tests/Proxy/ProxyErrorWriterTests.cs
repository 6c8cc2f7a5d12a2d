using System.Text;
using System.Text.Json;
using LlamaSwap.Proxy.Errors;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Tests.Proxy;

public sealed class ProxyErrorWriterTests
{
    private static HttpRequest Request(string path, string? accept = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (accept is not null)
            context.Request.Headers.Accept = accept;
        return context.Request;
    }

    [Theory]
    [InlineData(400, "invalid_request_error", "bad_request")]
    [InlineData(401, "authentication_error", "unauthorized")]
    [InlineData(404, "invalid_request_error", "not_found")]
    [InlineData(418, "invalid_request_error", "invalid_request")]
    [InlineData(429, "rate_limit_error", "rate_limit_exceeded")]
    [InlineData(503, "server_error", "service_unavailable")]
    [InlineData(500, "server_error", "internal_error")]
    public void JsonEnvelopeCarriesTypeAndCodeForStatus(int status, string type, string code)
    {
        var (contentType, body) = ProxyErrorWriter.Render(Request("/v1/chat/completions"), new ProxyError(status, "boom"));

        Assert.Equal("application/json", contentType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("llama-swap", json.RootElement.GetProperty("src").GetString());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("boom", error.GetProperty("message").GetString());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Fact]
    public void ExplicitCodeOverridesTheDefault()
    {
        var (_, body) = ProxyErrorWriter.Render(Request("/v1/completions"), ProxyError.TooManyRequests());

        using var json = JsonDocument.Parse(body);
        Assert.Equal("concurrency_limit", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void AnthropicClientsGetTheAnthropicErrorShape()
    {
        var (_, body) = ProxyErrorWriter.Render(Request("/v1/messages"), new ProxyError(404, "no such model"));

        using var json = JsonDocument.Parse(body);
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("not_found_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("no such model", json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void PlainTextWhenAccepted()
    {
        var (contentType, body) = ProxyErrorWriter.Render(Request("/v1/models", "text/plain"), new ProxyError(404, "gone"));

        Assert.StartsWith("text/plain", contentType);
        Assert.Equal("llama-swap: gone", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void HtmlEscapesTheMessage()
    {
        var (contentType, body) = ProxyErrorWriter.Render(Request("/ui", "text/html"), new ProxyError(400, "<script>"));

        Assert.StartsWith("text/html", contentType);
        Assert.Contains("&lt;script&gt;", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task TooManyRequestsSetsRetryAfter()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await ProxyErrorWriter.WriteAsync(context, ProxyError.TooManyRequests());

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.True(context.Response.Body.Length > 0);
    }
}

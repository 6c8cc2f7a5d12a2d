using System.Net;
using System.Text;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>A client's trace continues through the Proxy to the upstream (an upstream that traces, such as vLLM, joins it).</summary>
public sealed class TraceContextTests
{
    [Fact]
    public async Task TheUpstreamReceivesTheClientsTraceWithTheProxysOwnSpanAsParent()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string clientSpan = "00f067aa0ba902b7";
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync(app => app.MapPost("/v1/chat/completions", (HttpContext context) =>
        {
            received.TrySetResult(context.Request.Headers.TraceParent.ToString());
            return Results.Json(new { id = "x", choices = Array.Empty<object>() });
        }));
        await using var stack = await ProxyStack.StartAsync(new StackConfig().External("traced", upstream.Urls.Single(), "    checkEndpoint: none"));
        using var client = stack.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"traced","messages":[]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{clientSpan}-01");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken).DefaultTimeout();
        var traceparent = await received.Task.DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = traceparent.Split('-');
        Assert.True(parts.Length == 4, $"traceparent '{traceparent}'");
        Assert.Equal(traceId, parts[1]);
        Assert.NotEqual(clientSpan, parts[2]);
    }
}

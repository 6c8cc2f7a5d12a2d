using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.AppHost.Dashboard.Api;

/// <summary>Writes a <c>text/event-stream</c> response, one flushed event at a time.</summary>
internal sealed class ServerSentEvents(HttpResponse response)
{
    public const string ContentType = "text/event-stream";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        // Keep proxies (and the browser) from buffering the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task WriteAsync<T>(string eventName, T data, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(data, DashboardJson.Options);
        await response.WriteAsync($"event: {eventName}\ndata: {json}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>A comment line: keeps the connection alive and notices a client that went away.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await response.WriteAsync(": keep-alive\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}

internal static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

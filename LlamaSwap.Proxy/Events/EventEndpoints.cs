namespace LlamaSwap.Proxy.Events;

/// <summary><c>GET /api/events</c>: the UI's server-sent event stream (initial burst, then live updates).</summary>
internal static class EventEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var hub = app.ServiceProvider.GetRequiredService<EventHub>();
        var lifetime = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        app.MapGet("/api/events", context => StreamAsync(context, hub, lifetime.ApplicationStopping));
    }

    private static async Task StreamAsync(HttpContext context, EventHub hub, CancellationToken stopping)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
            response.Headers.Connection = "keep-alive";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["X-Accel-Buffering"] = "no";

        using var subscription = hub.Connect();
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = ending.Token;
        try
        {
            await response.StartAsync(token);
            await response.Body.FlushAsync(token);
            var reader = subscription.Reader;
            while (await reader.WaitToReadAsync(token))
            {
                // A client dropped for falling behind is disconnected; it reconnects and starts from a fresh burst.
                if (subscription.Overflowed)
                    return;
                while (reader.TryRead(out var message))
                    await response.Body.WriteAsync(message.Frame(), token);
                await response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }
}

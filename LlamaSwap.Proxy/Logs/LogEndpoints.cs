using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// <c>/logs</c> (the combined history as text; browsers are sent to the UI) and <c>/logs/stream[/{id}]</c>:
/// history (unless <c>?no-history</c>), then live output, as chunked text until the client leaves or the
/// service stops. <c>id</c> is empty (combined), <c>proxy</c>, <c>upstream</c>, or a model id or alias, whose
/// process output is relayed from the Supervisor.
/// </summary>
internal static class LogEndpoints
{
    public const string InvalidLogger = "invalid logger. Use 'proxy', 'upstream' or a model's ID";
    public const string NoHistoryParameter = "no-history";

    public static void Map(IEndpointRouteBuilder app)
    {
        var feeds = app.ServiceProvider.GetRequiredService<LogFeeds>();
        var config = app.ServiceProvider.GetRequiredService<IProxyConfigProvider>();
        var gateway = app.ServiceProvider.GetRequiredService<ISupervisorGateway>();
        var lifetime = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();

        app.MapGet("/logs", context =>
        {
            if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Redirect("/ui/");
                return Task.CompletedTask;
            }

            var history = feeds.Combined.GetHistory();
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = history.Length;
            return context.Response.Body.WriteAsync(history, context.RequestAborted).AsTask();
        });

        RequestDelegate stream = context =>
        {
            var id = ((string?)context.Request.RouteValues["id"] ?? "").Trim('/');
            var noHistory = context.Request.Query.ContainsKey(NoHistoryParameter);
            LogFeed? feed = id switch
            {
                "" => feeds.Combined,
                LogFeeds.ProxySource => feeds.Proxy,
                LogFeeds.UpstreamSource => feeds.Upstream,
                _ => null,
            };
            if (feed is not null)
                return StreamFeedAsync(context, feed, noHistory, lifetime.ApplicationStopping);
            if (config.Current.ResolveModelId(id) is { } modelId)
                return StreamModelAsync(context, gateway, modelId, noHistory, lifetime.ApplicationStopping);
            return ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status400BadRequest, InvalidLogger));
        };
        app.MapGet("/logs/stream", stream);
        app.MapGet("/logs/stream/{**id}", stream);
    }

    private static async Task StreamFeedAsync(HttpContext context, LogFeed feed, bool noHistory, CancellationToken stopping)
    {
        var sink = new LogStreamSink();
        var history = feed.Attach(sink);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = ending.Token;
        try
        {
            await StartAsync(context, token);
            if (!noHistory && history.Length > 0)
                await WriteAsync(context, [history], token);
            await foreach (var batch in sink.ReadBatchesAsync(token))
                await WriteAsync(context, batch, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            feed.Detach(sink);
            sink.Complete();
        }
    }

    private static async Task StreamModelAsync(HttpContext context, ISupervisorGateway gateway, string modelId, bool noHistory, CancellationToken stopping)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = ending.Token;
        try
        {
            using var call = gateway.Client.StreamLogs(new StreamLogsRequest { Source = modelId, NoHistory = noHistory }, new CallOptions(CancellationToken: token));
            await StartAsync(context, token);
            await foreach (var chunk in call.ReadAllAsync(token))
            {
                List<byte[]> parts = chunk.DroppedBytes > 0
                    ? [LogStreamSink.DroppedMarker((long)chunk.DroppedBytes), chunk.Data.ToByteArray()]
                    : [chunk.Data.ToByteArray()];
                await WriteAsync(context, parts, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (RpcException ex) when (!token.IsCancellationRequested)
        {
            // The headers are out: the reason goes into the stream, which then ends.
            await WriteAsync(context, [System.Text.Encoding.UTF8.GetBytes($"\n{ErrorEnvelope.Source}: log stream of model {modelId} ended: {ex.Detail}\n")], CancellationToken.None);
        }
    }

    private static async Task StartAsync(HttpContext context, CancellationToken token)
    {
        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(token);
        // Starting only queues the headers; the client sees them (and that the stream is open) on a flush.
        await response.Body.FlushAsync(token);
    }

    private static async Task WriteAsync(HttpContext context, IReadOnlyList<byte[]> chunks, CancellationToken token)
    {
        var body = context.Response.Body;
        foreach (var chunk in chunks)
            await body.WriteAsync(chunk, token);
        await body.FlushAsync(token);
    }
}

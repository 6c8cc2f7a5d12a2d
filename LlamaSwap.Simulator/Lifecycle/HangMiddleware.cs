namespace LlamaSwap.Simulator.Lifecycle;

/// <summary>
/// The <c>hang</c> failure mode: connections are accepted and requests read, but no response is ever
/// started, <c>/health</c> included. The request ends only when the client gives up or the server stops.
/// </summary>
internal static class HangMiddleware
{
    public static IApplicationBuilder UseHang(this IApplicationBuilder app, CancellationToken stopping) =>
        app.Use(async (HttpContext context, RequestDelegate _) =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, linked.Token);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
            }
        });
}

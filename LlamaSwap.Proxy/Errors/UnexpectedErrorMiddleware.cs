namespace LlamaSwap.Proxy.Errors;

/// <summary>
/// The last safety net: an exception nobody handled becomes a logged error and, if nothing was sent
/// yet, a 500 envelope naming it (never an empty 500). A response already under way is aborted.
/// </summary>
internal sealed partial class UnexpectedErrorMiddleware(RequestDelegate next, ILogger<UnexpectedErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, context.Request.Method, context.Request.Path, e);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            await ProxyErrorWriter.WriteAsync(context, ProxyError.Unspecific(e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left; there is nobody to answer.
        }
    }

    [LoggerMessage(1, LogLevel.Error, "unexpected error handling {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, PathString path, Exception exception);
}

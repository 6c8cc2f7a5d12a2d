namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// An unknown path answers like llama-swap's router: 404 with the plain text <c>404 page not found</c>
/// (not an envelope), so a client can tell "no such route" from "no such model".
/// </summary>
internal sealed class NotFoundMiddleware(RequestDelegate next)
{
    public const string Body = "404 page not found\n";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context).ConfigureAwait(false);
        if (context.Response.StatusCode == StatusCodes.Status404NotFound && !context.Response.HasStarted && context.GetEndpoint() is null)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await context.Response.WriteAsync(Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}

namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// One access-log line per request, in llama-swap's shape:
/// <c>Request 10.0.0.5 "POST /v1/chat/completions HTTP/1.1" 200 1234 "curl/8.5" 00:00:01.234</c>
/// (the size is <c>-</c> for streamed responses, which have no Content-Length). The path is the one
/// the client sent; health probes and polling endpoints are not logged.
/// </summary>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger, TimeProvider time)
{
    private static readonly string[] Quiet = ["/wol-health", "/api/performance", "/metrics", "/health", "/alive"];

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!logger.IsEnabled(LogLevel.Information) || Quiet.Any(p => request.Path.StartsWithSegments(p)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var start = time.GetTimestamp();
        var path = request.Path.Value + request.QueryString.Value;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var size = context.Response.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
            LogRequest(logger, ClientIp(context), request.Method, path, request.Protocol, context.Response.StatusCode, size,
                request.Headers.UserAgent.ToString(), time.GetElapsedTime(start));
        }
    }

    private static string ClientIp(HttpContext context)
    {
        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0)
            return forwarded.Split(',')[0].Trim();
        var realIp = context.Request.Headers["X-Real-IP"].ToString();
        return realIp.Length > 0 ? realIp : context.Connection.RemoteIpAddress?.ToString() ?? "-";
    }

    [LoggerMessage(1, LogLevel.Information, "Request {ClientIp} \"{Method} {Path} {Protocol}\" {Status} {Size} \"{UserAgent}\" {Duration}")]
    private static partial void LogRequest(ILogger logger, string clientIp, string method, string path, string protocol, int status, string size,
        string userAgent, TimeSpan duration);
}

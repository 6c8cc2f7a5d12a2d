namespace LlamaSwap.Proxy.Cors;

/// <summary>
/// Answers every <c>OPTIONS</c> request, on any path and before authentication, as llama-swap does:
/// 204 allowing any origin, the usual methods, and the headers the browser asked for (only valid
/// header names; a default set when it asked for none), cached for a day.
/// </summary>
internal sealed class CorsPreflightMiddleware(RequestDelegate next)
{
    public const string AllowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    public const string DefaultAllowedHeaders = "Content-Type, Authorization, Accept, X-Requested-With";
    public const string MaxAgeSeconds = "86400";

    public Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsOptions(context.Request.Method))
            return next(context);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers.AccessControlAllowMethods = AllowedMethods;
        response.Headers.AccessControlAllowHeaders = AllowedHeaders(context.Request.Headers.AccessControlRequestHeaders.ToString());
        response.Headers.AccessControlMaxAge = MaxAgeSeconds;
        return Task.CompletedTask;
    }

    /// <summary>The requested header names that are valid HTTP tokens, or the default set when none were asked for.</summary>
    internal static string AllowedHeaders(string requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
            return DefaultAllowedHeaders;
        var valid = requested.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(IsToken);
        return string.Join(", ", valid);
    }

    private static bool IsToken(string name) => name.All(c => c < 127 && c > 32 && !"()<>@,;:\\\"/[]?={}".Contains(c));
}

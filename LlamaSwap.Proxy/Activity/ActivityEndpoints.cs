using System.Globalization;
using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// <c>GET /api/metrics/activity</c>, <c>GET /api/metrics/stats</c>, <c>GET /api/captures/{id}</c> and
/// <c>POST /api/inflight/{id}/cancel</c>.
/// </summary>
internal static class ActivityEndpoints
{
    public const string InvalidCaptureId = "invalid capture ID";
    public const string CaptureNotFound = "capture not found";
    public const string InFlightNotFound = "inflight request not found";

    public static void Map(IEndpointRouteBuilder app)
    {
        var store = app.ServiceProvider.GetRequiredService<ActivityStore>();
        var captures = app.ServiceProvider.GetRequiredService<CaptureStore>();
        var inFlight = app.ServiceProvider.GetRequiredService<InFlightTracker>();

        app.MapGet("/api/metrics/activity", context =>
        {
            var (query, error) = ActivityQuery.Parse(context.Request.Query);
            return query is null
                ? ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status400BadRequest, error!))
                : ManagementJson.WriteAsync(context, store.Query(query, captures.Contains));
        });

        app.MapGet("/api/metrics/stats", context =>
            ManagementJson.WriteAsync(context, store.Stats(context.Request.Query["model"].ToString().Trim())));

        app.MapGet("/api/captures/{id}", async context =>
        {
            if (!long.TryParse((string?)context.Request.RouteValues["id"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                await ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status400BadRequest, InvalidCaptureId));
                return;
            }

            if (captures.GetJson(id) is not { } json)
            {
                await ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status404NotFound, CaptureNotFound));
                return;
            }

            context.Response.ContentType = ManagementJson.ContentType;
            context.Response.ContentLength = json.Length;
            await context.Response.Body.WriteAsync(json, context.RequestAborted);
        });

        app.MapPost("/api/inflight/{id}/cancel", context =>
            inFlight.Cancel((string?)context.Request.RouteValues["id"] ?? "")
                ? ManagementJson.WriteAsync(context, new { msg = "ok" })
                : ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status404NotFound, InFlightNotFound)));
    }
}

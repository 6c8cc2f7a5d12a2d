namespace LlamaSwap.Simulator.Http;

/// <summary>
/// Stamps every response with <c>X-Simulator-Model</c> and <c>X-Simulator-Port</c>, and logs the requests
/// that model endpoints do not log themselves (except health polls, which would drown the log).
/// </summary>
internal static class SimulatorHeadersMiddleware
{
    public static IApplicationBuilder UseSimulatorHeaders(this IApplicationBuilder app, SimulatorRuntime runtime) =>
        app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            var headers = context.Response.Headers;
            headers[SimulatorWire.ModelHeader] = runtime.Identity.ModelHeader;
            headers[SimulatorWire.PortHeader] = runtime.Identity.PortHeader;
            await next(context);

            if (context.GetEndpoint()?.Metadata.GetMetadata<LogsItsOwnRequests>() is null)
            {
                var request = context.Request;
                runtime.Log.Info($"{request.Method} {request.Path.Value} status={context.Response.StatusCode}");
            }
        });
}

/// <summary>Endpoint metadata: the endpoint writes its own request log line.</summary>
internal sealed class LogsItsOwnRequests
{
    public static readonly LogsItsOwnRequests Instance = new();
}

using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.LlamaServer;

/// <summary>
/// <c>GET /health</c> (and llama-server's <c>/v1/health</c>): 503 <c>{"status":"loading"}</c> until the model
/// is loaded, then 200 <c>{"status":"ok"}</c>; in the <c>unhealthy</c> failure mode always 503
/// <c>{"status":"unhealthy"}</c>. Not logged: supervisors poll it several times a second.
/// </summary>
internal static class HealthEndpoint
{
    public static Task HandleAsync(HttpContext context, SimulatorRuntime runtime)
    {
        var gate = runtime.LoadGate;
        var (status, body) = gate.IsLoaded
            ? (StatusCodes.Status200OK, "ok")
            : (StatusCodes.Status503ServiceUnavailable, gate.NeverLoads ? "unhealthy" : "loading");
        return JsonResponse.WriteAsync(context, status, body, static (writer, status) =>
        {
            writer.WriteStartObject();
            writer.WriteString("status"u8, status);
            writer.WriteEndObject();
        });
    }
}

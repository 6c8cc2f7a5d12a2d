using System.Globalization;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Diagnostics;

/// <summary><c>GET /</c>: a one-line text page; also a cheap preload target.</summary>
internal static class RootEndpoint
{
    public static Task HandleAsync(HttpContext context, SimulatorRuntime runtime)
    {
        context.Response.ContentType = ContentTypes.PlainText;
        var identity = runtime.Identity;
        return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"LlamaSwap simulator: model {identity.Model}, port {identity.Port}, pid {identity.ProcessId}\n"), context.RequestAborted);
    }
}

using System.Collections;
using System.Text;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Diagnostics;

/// <summary><c>GET /env</c>: every environment variable as <c>NAME=value</c> lines, sorted, to verify <c>env:</c> in config.</summary>
internal static class EnvEndpoint
{
    public static Task HandleAsync(HttpContext context)
    {
        var lines = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            lines[(string)entry.Key] = entry.Value as string;

        var text = new StringBuilder();
        foreach (var (name, value) in lines)
            text.Append(name).Append('=').Append(value).Append('\n');
        context.Response.ContentType = ContentTypes.PlainText;
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }
}

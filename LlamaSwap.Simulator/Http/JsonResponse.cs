using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlamaSwap.Simulator.Http;

/// <summary>
/// Buffered JSON responses with a Content-Length, as llama-server sends them, so a proxy's handling of
/// sized bodies is exercised too.
/// </summary>
internal static class JsonResponse
{
    /// <summary>Relaxed escaping keeps echoed text readable; these bodies are never embedded in HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync<TState>(HttpContext context, int statusCode, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            write(writer, state);

        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = ContentTypes.Json;
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}

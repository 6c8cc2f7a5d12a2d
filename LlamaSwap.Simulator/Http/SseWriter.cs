using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace LlamaSwap.Simulator.Http;

/// <summary>
/// Server-sent events straight into the response pipe. Each event is flushed on its own, so a reader sees
/// every token as a separate event at the moment it is generated; nothing is coalesced. One JSON writer is
/// reused for the whole stream, so an event costs no allocation beyond the pipe's own buffers.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;
    private readonly CancellationToken _cancellation;

    private SseWriter(HttpResponse response, CancellationToken cancellation)
    {
        _pipe = response.BodyWriter;
        _json = new Utf8JsonWriter(_pipe, JsonResponse.WriterOptions);
        _cancellation = cancellation;
    }

    public static SseWriter Start(HttpContext context, CancellationToken cancellation)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentTypes.EventStream;
        response.Headers.CacheControl = "no-cache";
        return new SseWriter(response, cancellation);
    }

    /// <summary>Starts <c>data: </c> and returns the writer for the event's JSON value.</summary>
    public Utf8JsonWriter BeginData()
    {
        _pipe.Write("data: "u8);
        _json.Reset(_pipe);
        return _json;
    }

    /// <summary>Starts a named event (<c>event: name</c>, then <c>data: </c>).</summary>
    public Utf8JsonWriter BeginEvent(JsonEncodedText name)
    {
        _pipe.Write("event: "u8);
        _pipe.Write(name.EncodedUtf8Bytes);
        _pipe.Write("\ndata: "u8);
        _json.Reset(_pipe);
        return _json;
    }

    /// <summary>Terminates the event and sends it.</summary>
    public ValueTask EndEventAsync()
    {
        _json.Flush();
        _pipe.Write("\n\n"u8);
        return FlushAsync();
    }

    /// <summary>OpenAI's end-of-stream marker.</summary>
    public ValueTask WriteDoneAsync()
    {
        _pipe.Write("data: [DONE]\n\n"u8);
        return FlushAsync();
    }

    public void Dispose() => _json.Dispose();

    private async ValueTask FlushAsync()
    {
        var result = await _pipe.FlushAsync(_cancellation);
        if (result.IsCanceled || result.IsCompleted)
            throw new OperationCanceledException("the client stopped reading the stream");
    }
}

using System.Text.Json;

namespace LlamaSwap.Simulator.Http;

/// <summary>
/// A JSON request body: the raw bytes (kept for echo mode) and the parsed document. Malformed JSON becomes a
/// 400 that quotes the parser's message, which names the line and byte position.
/// </summary>
internal sealed class JsonRequestBody : IDisposable
{
    private readonly byte[] _buffer;

    private JsonRequestBody(byte[] buffer, int length, JsonDocument document)
    {
        _buffer = buffer;
        Length = length;
        Document = document;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Raw => _buffer.AsMemory(0, Length);

    public JsonDocument Document { get; }

    public JsonElement Root => Document.RootElement;

    public static async Task<JsonRequestBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength : 4096);
        await request.Body.CopyToAsync(stream, cancellationToken);
        var buffer = stream.GetBuffer();
        var length = (int)stream.Length;
        if (length == 0)
            throw SimulatorRequestException.BadRequest("request body is empty; expected a JSON object");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.AsMemory(0, length));
        }
        catch (JsonException e)
        {
            throw SimulatorRequestException.BadRequest($"request body is not valid JSON: {e.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw SimulatorRequestException.BadRequest($"request body must be a JSON object, not {kind.ToString().ToLowerInvariant()}");
        }

        return new JsonRequestBody(buffer, length, document);
    }

    public void Dispose() => Document.Dispose();
}

using System.Globalization;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c> and <c>/v1/audio/translations</c>: reports what arrived —
/// <c>{"text":"received N bytes","model","fields":{…},"file":{"name","field","size","content_type"}}</c> plus
/// the received Content-Type and Content-Length — so tests can check how a proxy re-encoded the form.
/// </summary>
internal sealed class TranscriptionEndpoint(SimulatorRuntime runtime) : MultipartEndpoint(runtime)
{
    protected override Task RespondAsync(SimulatorCall call, MultipartForm form)
    {
        if (call.Model is null)
            throw SimulatorRequestException.BadRequest("form field 'model' is required", "model");
        var file = form.Files.FirstOrDefault(f => f.Field == "file")
            ?? throw SimulatorRequestException.BadRequest("form file 'file' is required", "file");

        return JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, form, file), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteString("text"u8, string.Create(CultureInfo.InvariantCulture, $"received {s.file.Size} bytes"));
            writer.WriteString("model"u8, s.call.Model);
            writer.WriteStartObject("fields"u8);
            foreach (var (name, value) in s.form.Fields)
                writer.WriteString(name, value);
            writer.WriteEndObject();
            writer.WriteStartObject("file"u8);
            writer.WriteString("name"u8, s.file.FileName);
            writer.WriteString("field"u8, s.file.Field);
            writer.WriteNumber("size"u8, s.file.Size);
            writer.WriteString("content_type"u8, s.file.ContentType);
            writer.WriteEndObject();
            if (!s.call.Echo)
                s.call.WriteReceivedContentHeaders(writer);
            s.call.WriteSimulatorProperties(writer);
            writer.WriteEndObject();
        });
    }
}

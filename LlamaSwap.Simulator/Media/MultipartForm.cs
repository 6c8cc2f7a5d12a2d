using LlamaSwap.Simulator.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace LlamaSwap.Simulator.Media;

/// <summary>A multipart form's text fields and a summary of its files (never their content).</summary>
internal sealed record MultipartForm(IReadOnlyList<KeyValuePair<string, string>> Fields, IReadOnlyList<MultipartFile> Files)
{
    private const int MaxFieldLength = 1 << 20;

    public string? Field(string name) => Fields.LastOrDefault(f => f.Key == name).Value;

    /// <summary>
    /// Reads the form section by section; file parts are streamed through a small buffer and only counted,
    /// so uploads of any size use constant memory.
    /// </summary>
    public static async Task<MultipartForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals(ContentTypes.Multipart, StringComparison.OrdinalIgnoreCase))
            throw SimulatorRequestException.BadRequest($"expected a {ContentTypes.Multipart} body, got '{request.ContentType ?? "(no Content-Type)"}'");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
            throw SimulatorRequestException.BadRequest("the multipart Content-Type has no boundary");

        var fields = new List<KeyValuePair<string, string>>();
        var files = new List<MultipartFile>();
        var reader = new MultipartReader(boundary, request.Body);
        var buffer = new byte[16 * 1024];
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    throw SimulatorRequestException.BadRequest("a multipart section has no valid Content-Disposition");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    long size = 0;
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer, cancellationToken)) > 0)
                        size += read;
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                    files.Add(new MultipartFile(name, fileName, size, section.ContentType));
                }
                else
                {
                    using var text = new StreamReader(section.Body);
                    var value = await text.ReadToEndAsync(cancellationToken);
                    if (value.Length > MaxFieldLength)
                        throw SimulatorRequestException.BadRequest($"form field '{name}' is longer than {MaxFieldLength} characters", name);
                    fields.Add(new(name, value));
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw SimulatorRequestException.BadRequest($"malformed multipart body: {e.Message}");
        }

        return new MultipartForm(fields, files);
    }
}

/// <summary>One uploaded file: form field, file name, byte count and declared content type.</summary>
internal sealed record MultipartFile(string Field, string FileName, long Size, string? ContentType);

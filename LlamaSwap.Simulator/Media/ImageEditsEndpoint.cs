using System.Globalization;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary><c>POST /v1/images/edits</c> (multipart): needs an <c>image</c> file; answers like generations.</summary>
internal sealed class ImageEditsEndpoint(SimulatorRuntime runtime) : MultipartEndpoint(runtime)
{
    protected override Task RespondAsync(SimulatorCall call, MultipartForm form)
    {
        if (!form.Files.Any(f => f.Field.StartsWith("image", StringComparison.Ordinal)))
            throw SimulatorRequestException.BadRequest("form file 'image' is required", "image");
        var prompt = form.Field("prompt") ?? "";
        var count = 1;
        if (form.Field("n") is { } n && !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out count))
            throw SimulatorRequestException.BadRequest($"form field 'n' must be a whole number, not '{n}'", "n");
        return ImageResponse.WriteAsync(call, prompt, count, form.Field("response_format") == "url");
    }
}

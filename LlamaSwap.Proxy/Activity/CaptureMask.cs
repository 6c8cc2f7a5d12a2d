namespace LlamaSwap.Proxy.Activity;

/// <summary>What a capture keeps of a request and its response.</summary>
[Flags]
internal enum CaptureMask
{
    None = 0,
    RequestHeaders = 1,
    RequestBody = 2,
    ResponseHeaders = 4,
    ResponseBody = 8,
    Request = RequestHeaders | RequestBody,
    Response = ResponseHeaders | ResponseBody,
    All = Request | Response,
}

/// <summary>
/// Per-path capture masks: routes that carry large binary payloads (audio, images) keep headers only on the
/// binary side, as llama-swap does; every other route keeps everything.
/// </summary>
internal static class CaptureMasks
{
    private static readonly Dictionary<string, CaptureMask> ByPath = new(StringComparer.Ordinal)
    {
        ["/v1/audio/speech"] = CaptureMask.Request | CaptureMask.ResponseHeaders,
        ["/v1/audio/voices"] = CaptureMask.RequestHeaders | CaptureMask.Response,
        ["/v1/audio/transcriptions"] = CaptureMask.RequestHeaders | CaptureMask.Response,
        ["/v1/images/generations"] = CaptureMask.Request | CaptureMask.ResponseHeaders,
        ["/v1/images/edits"] = CaptureMask.RequestHeaders | CaptureMask.ResponseHeaders,
        ["/sdapi/v1/txt2img"] = CaptureMask.Request | CaptureMask.ResponseHeaders,
        ["/sdapi/v1/img2img"] = CaptureMask.RequestHeaders | CaptureMask.ResponseHeaders,
    };

    public static CaptureMask For(string path) => ByPath.GetValueOrDefault(path, CaptureMask.All);
}

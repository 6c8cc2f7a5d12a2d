namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Everything a finished request left for the activity log, handed from the request (which only copied
/// bytes) to <see cref="ActivityProcessor"/> (which decodes, parses and stores).
/// </summary>
/// <param name="Body">The response body as sent (still content-encoded); only its tail when not <paramref name="BodyComplete"/>.</param>
/// <param name="RequestBody">Kept only when captures are on and the path's mask includes it.</param>
/// <param name="Failure">The error message of a response the Proxy itself produced, or why the request ended early.</param>
internal sealed record CompletedRequest(
    DateTimeOffset Timestamp,
    string Model,
    string Path,
    int StatusCode,
    string ContentType,
    string? ContentEncoding,
    double DurationMs,
    double? TtfbMs,
    byte[] Body,
    bool BodyComplete,
    IReadOnlyDictionary<string, string> RequestHeaders,
    byte[]? RequestBody,
    IReadOnlyDictionary<string, string>? ResponseHeaders,
    string? Failure,
    IReadOnlyDictionary<string, string>? Metadata,
    long CaptureBudgetBytes);

namespace LlamaSwap.Proxy.Ui;

/// <summary>
/// One file of the UI build, held in memory with what its response needs: the bytes, a Brotli
/// copy when compressing pays off, the content type, a strong ETag and whether its name carries a
/// content hash (then it may be cached for a year).
/// </summary>
internal sealed record UiAsset(
    string Path,
    byte[] Content,
    byte[]? Brotli,
    string ContentType,
    string ETag,
    bool Immutable);

using System.Buffers;
using System.Net;
using LlamaSwap.Proxy.Requests;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>
/// The request body sent upstream without holding it whole: the bytes already read to find the model
/// (with at most one splice, the model's new value), then the rest of the client's body as it arrives.
/// The length is known (Content-Length) when the client's was, or when the whole body was read;
/// otherwise the body goes chunked.
/// </summary>
internal sealed class ForwardedBodyContent : HttpContent
{
    private const int BufferSize = 64 * 1024;

    private readonly RecordedBody? _recorded;
    private readonly BodySplice? _splice;
    private readonly Stream? _rest;
    private readonly long? _length;

    /// <param name="recorded">What was read already; null when nothing was.</param>
    /// <param name="rest">The unread remainder of the client's body; null when the recording is complete.</param>
    /// <param name="clientLength">The client's Content-Length, if it sent one.</param>
    public ForwardedBodyContent(RecordedBody? recorded, BodySplice? splice, Stream? rest, long? clientLength)
    {
        _recorded = recorded;
        _splice = splice;
        _rest = rest;
        var delta = splice?.LengthDelta ?? 0;
        _length = rest is null ? (recorded?.Length ?? 0) + delta
            : clientLength is { } length ? length + delta
            : null;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (_recorded is not null)
        {
            if (_splice is { } splice)
            {
                await _recorded.CopyToAsync(stream, 0, splice.Range.Offset, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(splice.Replacement, cancellationToken).ConfigureAwait(false);
                await _recorded.CopyToAsync(stream, splice.Range.End, _recorded.Length, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _recorded.CopyToAsync(stream, 0, _recorded.Length, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_rest is null)
            return;

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await _rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _length ?? 0;
        return _length.HasValue;
    }
}

namespace LlamaSwap.Proxy.Requests;

/// <summary>
/// A client request after model extraction: the model it names and where, the <c>stream</c> flag, and
/// the body bytes read so far (<see cref="Recorded"/>) ahead of the part still unread in the client's
/// body stream. Disposal deletes a recording that spilled to disk.
/// </summary>
internal sealed class InboundRequest(HttpRequest request) : IAsyncDisposable
{
    public HttpRequest Request => request;

    public string? Model { get; init; }

    public bool Stream { get; init; }

    public ModelSource Source { get; init; }

    /// <summary>Where the model's value lies in <see cref="Recorded"/> (the JSON string token with its quotes, or the raw form value).</summary>
    public ByteRange? ModelRange { get; init; }

    /// <summary>The body bytes already read; null when the body was not touched.</summary>
    public RecordedBody? Recorded { get; init; }

    /// <summary>True when <see cref="Recorded"/> holds the whole body.</summary>
    public bool BodyComplete { get; private set; }

    /// <summary>A reason the body cannot be forwarded as is (malformed multipart), for a 400.</summary>
    public string? BodyError { get; init; }

    /// <summary>Whether the client sends a body at all.</summary>
    public bool HasBody { get; init; }

    internal void MarkComplete() => BodyComplete = true;

    /// <summary>Reads what is left of the client's body into the recording (for filters that rewrite the whole body).</summary>
    public async Task ReadToEndAsync(CancellationToken cancellationToken)
    {
        if (BodyComplete || Recorded is null)
            return;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                await Recorded.AppendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        BodyComplete = true;
    }

    public ValueTask DisposeAsync() => Recorded?.DisposeAsync() ?? ValueTask.CompletedTask;
}

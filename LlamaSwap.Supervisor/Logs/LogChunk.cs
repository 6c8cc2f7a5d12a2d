namespace LlamaSwap.Supervisor.Logs;

internal enum LogChunkKind
{
    /// <summary>What the source kept before the subscription began (at most its ring buffer's capacity).</summary>
    History,

    /// <summary>Bytes written after the subscription began, in order.</summary>
    Live,

    /// <summary>A marker <c>\n— N bytes dropped —\n</c>: the subscriber fell behind and missed N live bytes here.</summary>
    Dropped,
}

/// <summary>Raw upstream output (ANSI colours and partial lines as the process wrote them).</summary>
/// <param name="DroppedBytes">For a <see cref="LogChunkKind.Dropped"/> marker, how many live bytes the reader missed; else 0.</param>
/// <param name="Origin">The model a live chunk of the combined source came from; null elsewhere.</param>
internal readonly record struct LogChunk(LogChunkKind Kind, ReadOnlyMemory<byte> Data, long DroppedBytes = 0, string? Origin = null);

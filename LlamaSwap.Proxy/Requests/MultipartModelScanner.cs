using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace LlamaSwap.Proxy.Requests;

/// <summary>
/// Finds the <c>model</c> field of a <c>multipart/form-data</c> body by walking its parts in order,
/// without holding any part in memory except the model field itself (file parts are skipped as they
/// stream by). Records where the field's value lies so it can be replaced in place, which keeps the
/// boundary, every other part and every file byte as the client sent them.
/// </summary>
internal static class MultipartModelScanner
{
    public const string ModelField = "model";

    /// <summary>The <see cref="Result.Error"/> of a well-formed body that simply has no model field.</summary>
    public const string NoModelField = "the multipart body has no model field";

    /// <summary>Longest header block and model value accepted; anything longer is not a form a client sends.</summary>
    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxModelBytes = 16 * 1024;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;
    private static ReadOnlySpan<byte> DoubleDash => "--"u8;

    public sealed class Result
    {
        public string? Model { get; set; }
        public ByteRange? ModelValue { get; set; }

        /// <summary>Why the body could not be read as multipart, or null.</summary>
        public string? Error { get; set; }
    }

    /// <summary>The boundary of a <c>multipart/form-data</c> content type, or null when it has none.</summary>
    public static string? Boundary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && HeaderUtilities.RemoveQuotes(parsed.Boundary) is { Length: > 0 } boundary
            ? boundary.ToString()
            : null;

    public static async Task<Result> ScanAsync(PipeReader reader, string boundary, CancellationToken cancellationToken)
    {
        var result = new Result();
        var state = new State(Encoding.ASCII.GetBytes("--" + boundary));
        long consumedBefore = 0;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var done = Step(buffer, consumedBefore, state, result, out var consumed);
            reader.AdvanceTo(buffer.GetPosition(consumed), buffer.End);
            consumedBefore += consumed;
            if (done)
                return result;
            if (read.IsCompleted)
            {
                result.Error ??= "the multipart body ended before its closing boundary";
                return result;
            }
        }
    }

    private static bool Step(ReadOnlySequence<byte> buffer, long offset, State state, Result result, out long consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            while (true)
            {
                switch (state.Phase)
                {
                    case Phase.Preamble:
                        if (!reader.TryReadTo(out ReadOnlySequence<byte> _, state.Delimiter))
                        {
                            reader.Advance(Math.Max(0, reader.Remaining - state.Delimiter.Length + 1));
                            return false;
                        }

                        state.Phase = Phase.AfterDelimiter;
                        break;

                    case Phase.AfterDelimiter:
                        if (reader.Remaining < 2)
                            return false;
                        if (reader.IsNext(DoubleDash))
                        {
                            result.Error = NoModelField;
                            return true;
                        }

                        // Transport padding after the boundary runs to the end of the line.
                        if (!reader.TryReadTo(out ReadOnlySequence<byte> _, CrLf))
                            return Fail(result, reader.Remaining > MaxHeaderBytes, "a multipart boundary line is too long");
                        state.Phase = Phase.Headers;
                        state.HeaderBytes = 0;
                        state.PartIsModel = false;
                        break;

                    case Phase.Headers:
                        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, CrLf))
                            return Fail(result, state.HeaderBytes + reader.Remaining > MaxHeaderBytes, "a multipart part's headers are too long");
                        state.HeaderBytes += line.Length + 2;
                        if (line.IsEmpty)
                        {
                            state.Phase = Phase.Body;
                            state.BodyStart = offset + reader.Consumed;
                        }
                        else if (IsModelDisposition(line))
                        {
                            state.PartIsModel = true;
                        }

                        break;

                    case Phase.Body:
                        if (!reader.TryReadTo(out ReadOnlySequence<byte> content, state.BodyEnd, advancePastDelimiter: true))
                        {
                            if (state.PartIsModel)
                                return Fail(result, reader.Remaining > MaxModelBytes, "the multipart model field is too long");

                            // Skip what cannot be the start of the next boundary; the recording keeps the bytes.
                            reader.Advance(Math.Max(0, reader.Remaining - state.BodyEnd.Length + 1));
                            return false;
                        }

                        if (state.PartIsModel)
                        {
                            result.Model = Encoding.UTF8.GetString(content);
                            result.ModelValue = new ByteRange(state.BodyStart, content.Length);
                            return true;
                        }

                        state.Phase = Phase.AfterDelimiter;
                        break;
                }
            }
        }
        finally
        {
            consumed = reader.Consumed;
        }
    }

    private static bool Fail(Result result, bool failed, string message)
    {
        if (!failed)
            return false;
        result.Error = message;
        return true;
    }

    private static bool IsModelDisposition(ReadOnlySequence<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !text.AsSpan(0, colon).Trim().Equals(HeaderNames.ContentDisposition, StringComparison.OrdinalIgnoreCase))
            return false;
        return ContentDispositionHeaderValue.TryParse(text.AsSpan(colon + 1).Trim().ToString(), out var disposition)
            && HeaderUtilities.RemoveQuotes(disposition.Name).Equals(ModelField, StringComparison.Ordinal);
    }

    private enum Phase { Preamble, AfterDelimiter, Headers, Body }

    private sealed class State(byte[] delimiter)
    {
        public byte[] Delimiter { get; } = delimiter;

        /// <summary>What ends a part's content: CRLF then the delimiter.</summary>
        public byte[] BodyEnd { get; } = [.. "\r\n"u8, .. delimiter];

        public Phase Phase { get; set; }
        public long HeaderBytes { get; set; }
        public bool PartIsModel { get; set; }
        public long BodyStart { get; set; }
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace LlamaSwap.Proxy.Requests;

/// <summary>
/// Finds the top-level <c>model</c> (string) and <c>stream</c> (bool) of a JSON body token by token,
/// reading only as far as needed: no document is built, and reading stops as soon as what is wanted
/// was seen. Records where the <c>model</c> token lies (quotes included) so it can be replaced in place.
/// Malformed JSON, or a root that is not an object, simply yields no model.
/// </summary>
internal static class JsonModelScanner
{
    public const string ModelProperty = "model";
    public const string StreamProperty = "stream";

    public sealed class Result
    {
        public string? Model { get; set; }
        public ByteRange? ModelToken { get; set; }
        public bool? Stream { get; set; }
        public bool Malformed { get; set; }
    }

    /// <param name="wantStream">Keep reading after the model until <c>stream</c> is seen (or the body ends).</param>
    public static async Task<Result> ScanAsync(PipeReader reader, bool wantStream, CancellationToken cancellationToken)
    {
        var result = new Result();
        var state = new ScanState();
        var jsonState = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        long consumedBefore = 0;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            long consumed;
            bool done;
            try
            {
                done = Scan(buffer, read.IsCompleted, ref jsonState, consumedBefore, state, result, wantStream, out consumed);
            }
            catch (JsonException)
            {
                result.Malformed = true;
                result.Model = null;
                result.ModelToken = null;
                reader.AdvanceTo(buffer.End);
                return result;
            }

            reader.AdvanceTo(buffer.GetPosition(consumed), buffer.End);
            consumedBefore += consumed;
            if (done)
                return result;
            if (read.IsCompleted)
            {
                // The reader did not finish the document although the body ended: truncated JSON.
                if (state.Depth > 0 || !state.SawRoot)
                {
                    result.Malformed = true;
                    result.Model = null;
                    result.ModelToken = null;
                }
                return result;
            }
        }
    }

    private static bool Scan(ReadOnlySequence<byte> buffer, bool isFinalBlock, ref JsonReaderState jsonState, long offset,
        ScanState state, Result result, bool wantStream, out long consumed)
    {
        var json = new Utf8JsonReader(buffer, isFinalBlock, jsonState);
        try
        {
            while (json.Read())
            {
                state.Depth = json.CurrentDepth;
                switch (json.TokenType)
                {
                    case JsonTokenType.StartObject when json.CurrentDepth == 0:
                        state.SawRoot = true;
                        break;
                    case JsonTokenType.StartArray or JsonTokenType.String or JsonTokenType.Number
                        or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null when json.CurrentDepth == 0:
                        // A root that is not an object has no model.
                        state.SawRoot = true;
                        return true;
                    case JsonTokenType.EndObject when json.CurrentDepth == 0:
                        return true;
                    case JsonTokenType.PropertyName when json.CurrentDepth == 1:
                        state.Pending = json.ValueTextEquals(ModelProperty) ? PendingValue.Model
                            : json.ValueTextEquals(StreamProperty) ? PendingValue.Stream
                            : PendingValue.None;
                        continue;
                }

                if (json.CurrentDepth == 1 && state.Pending != PendingValue.None)
                {
                    if (state.Pending == PendingValue.Model && result.Model is null && json.TokenType == JsonTokenType.String)
                    {
                        result.Model = json.GetString();
                        result.ModelToken = new ByteRange(offset + json.TokenStartIndex, json.BytesConsumed - json.TokenStartIndex);
                    }
                    else if (state.Pending == PendingValue.Stream && result.Stream is null && json.TokenType is JsonTokenType.True or JsonTokenType.False)
                    {
                        result.Stream = json.TokenType == JsonTokenType.True;
                    }

                    state.Pending = PendingValue.None;
                    if (result.Model is not null && (!wantStream || result.Stream is not null))
                        return true;
                }
                else if (json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && json.CurrentDepth == 1)
                {
                    state.Pending = PendingValue.None;
                }
            }

            return false;
        }
        finally
        {
            consumed = json.BytesConsumed;
            jsonState = json.CurrentState;
        }
    }

    private enum PendingValue { None, Model, Stream }

    private sealed class ScanState
    {
        public int Depth { get; set; }
        public bool SawRoot { get; set; }
        public PendingValue Pending { get; set; }
    }
}

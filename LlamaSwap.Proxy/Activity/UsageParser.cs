using System.Net.Mime;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Reads token usage and speed from a (decoded) response body, whatever API produced it: OpenAI
/// <c>usage</c> (chat, completions, embeddings), the Responses API (<c>response.usage</c>), Anthropic
/// messages (<c>message.usage</c> in <c>message_start</c>, <c>usage</c> in <c>message_delta</c>), llama-server
/// <c>timings</c> and vLLM <c>metrics</c>, in JSON bodies and in server-sent event streams. Pure: no I/O,
/// no clock, no state.
/// </summary>
/// <remarks>
/// Precedence, as in llama-swap: usage fields first (in a stream the last non-zero value of each wins), then
/// the last <c>timings</c> object overrides counts and speeds, then the last vLLM <c>metrics</c> object adds
/// draft counts and derives speeds. A non-200 response yields only its error message.
/// </remarks>
internal static class UsageParser
{
    public const int MaxErrorLength = 500;

    /// <param name="body">The decoded body; when <paramref name="bodyComplete"/> is false, only its tail.</param>
    public static ParsedResponse Parse(int statusCode, string contentType, ReadOnlySpan<byte> body, bool bodyComplete, double wallDurationMs)
    {
        if (statusCode != StatusCodes.Status200OK)
            return new ParsedResponse(ActivityTokens.Unknown, wallDurationMs, ErrorMessage(statusCode, body, bodyComplete));
        if (body.IsEmpty)
            return new ParsedResponse(ActivityTokens.Unknown, wallDurationMs, null);

        var found = contentType.Contains(MediaTypeNames.Text.EventStream, StringComparison.OrdinalIgnoreCase)
            ? ScanEventStream(body, bodyComplete)
            : bodyComplete ? ScanJson(body) : new Found();
        return found.Apply(wallDurationMs);
    }

    private static Found ScanEventStream(ReadOnlySpan<byte> body, bool bodyComplete)
    {
        var found = new Found();
        if (!bodyComplete)
        {
            // A tail starts mid-line: skip to the first whole line.
            var firstNewline = body.IndexOf((byte)'\n');
            body = firstNewline < 0 ? [] : body[(firstNewline + 1)..];
        }

        while (!body.IsEmpty)
        {
            var newline = body.IndexOf((byte)'\n');
            var line = newline < 0 ? body : body[..newline];
            body = newline < 0 ? [] : body[(newline + 1)..];

            line = line.TrimEnd((byte)'\r');
            if (!line.StartsWith("data:"u8))
                continue;
            var payload = line[5..].Trim((byte)' ');
            if (payload.IsEmpty || payload.SequenceEqual("[DONE]"u8))
                continue;
            if (TryParse(payload) is { } document)
            {
                using (document)
                    found.Read(document.RootElement);
            }
        }

        return found;
    }

    private static Found ScanJson(ReadOnlySpan<byte> body)
    {
        var found = new Found();
        using var document = TryParse(body);
        if (document is null)
            return found;
        var root = document.RootElement;
        // /infill answers an array; the last element carries the totals.
        if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            root = root[root.GetArrayLength() - 1];
        found.Read(root);
        return found;
    }

    private static JsonDocument? TryParse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string ErrorMessage(int statusCode, ReadOnlySpan<byte> body, bool bodyComplete)
    {
        if (bodyComplete && TryParse(body) is { } document)
        {
            using (document)
            {
                if (FirstErrorText(document.RootElement) is { } text)
                    return text.Length > MaxErrorLength ? text[..MaxErrorLength] + "..." : text;
            }
        }

        return $"{statusCode} {ReasonPhrases.GetReasonPhrase(statusCode)}".TrimEnd();
    }

    private static string? FirstErrorText(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.Object && NonEmptyString(error, "message") is { } nested)
                return nested;
            if (error.ValueKind == JsonValueKind.String && error.GetString() is { Length: > 0 } flat)
                return flat;
        }

        return NonEmptyString(root, "message") ?? NonEmptyString(root, "detail");
    }

    private static string? NonEmptyString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static double? Number(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    private static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    /// <summary>Values gathered from one body; applied in llama-swap's precedence by <see cref="Apply"/>.</summary>
    private sealed class Found
    {
        private long _input;
        private long _output;
        private long _cached = -1;
        private JsonElement? _timings;
        private JsonElement? _metrics;

        public void Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
                return;

            var usage = Object(root, "usage")
                ?? (Object(root, "response") is { } response ? Object(response, "usage") : null)
                ?? (Object(root, "message") is { } message ? Object(message, "usage") : null);
            if (usage is { } u)
                ReadUsage(u);

            if (Object(root, "timings") is { } timings)
                _timings = timings.Clone();
            if (Object(root, "metrics") is { } metrics)
                _metrics = metrics.Clone();
        }

        private void ReadUsage(JsonElement usage)
        {
            var input = Number(usage, "prompt_tokens") ?? Number(usage, "input_tokens");
            var output = Number(usage, "completion_tokens") ?? Number(usage, "output_tokens");
            var cached = Number(usage, "cache_read_input_tokens")
                ?? (Object(usage, "input_tokens_details") is { } inputDetails ? Number(inputDetails, "cached_tokens") : null)
                ?? (Object(usage, "prompt_tokens_details") is { } promptDetails ? Number(promptDetails, "cached_tokens") : null);

            // In a stream the last non-zero value of each field wins: Anthropic reports input in
            // message_start and output in message_delta, OpenAI only in the final chunk.
            if (input > 0)
                _input = (long)input.Value;
            if (output > 0)
                _output = (long)output.Value;
            if (cached > 0)
                _cached = (long)cached.Value;
        }

        public ParsedResponse Apply(double wallDurationMs)
        {
            long input = _input, output = _output, cached = _cached, draft = -1, draftAccepted = -1;
            double promptPerSecond = -1, tokensPerSecond = -1, duration = wallDurationMs;

            if (_timings is { } timings)
            {
                input = (long?)Number(timings, "prompt_n") ?? input;
                output = (long?)Number(timings, "predicted_n") ?? output;
                promptPerSecond = Number(timings, "prompt_per_second") ?? promptPerSecond;
                tokensPerSecond = Number(timings, "predicted_per_second") ?? tokensPerSecond;
                cached = (long?)Number(timings, "cache_n") ?? cached;
                if (Number(timings, "draft_n") is { } draftN && Number(timings, "draft_n_accepted") is { } acceptedN)
                {
                    draft = (long)draftN;
                    draftAccepted = (long)acceptedN;
                }

                var upstreamMs = (Number(timings, "prompt_ms") ?? 0) + (Number(timings, "predicted_ms") ?? 0);
                duration = Math.Max(duration, upstreamMs);
            }

            if (_metrics is { } metrics)
            {
                if (Object(metrics, "speculative_decoding") is { } speculative
                    && Number(speculative, "num_draft_tokens") is { } drafted
                    && Number(speculative, "num_accepted_draft_tokens") is { } accepted)
                {
                    draft = (long)drafted;
                    draftAccepted = (long)accepted;
                }

                if (Number(metrics, "time_to_first_token_ms") is > 0 and var ttft)
                    promptPerSecond = (input - Math.Max(cached, 0)) / (ttft / 1000);
                if (Number(metrics, "mean_itl_ms") is > 0 and var itl)
                    tokensPerSecond = 1000 / itl;
            }

            return new ParsedResponse(
                new ActivityTokens(cached, draft, draftAccepted, input, output, promptPerSecond, tokensPerSecond),
                duration,
                null);
        }
    }
}

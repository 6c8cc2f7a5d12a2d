using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>
/// Puts the requested model name in place of the upstream's in a response (a rule's <c>hideBackend</c>): the
/// top-level <c>model</c> of a JSON body, and of each <c>data:</c> event of a server-sent event stream. Events pass
/// on as soon as their line is complete; a JSON body is held until it ends (up to <see cref="MaxJsonBody"/>,
/// beyond which it passes unchanged).
/// </summary>
internal sealed class ResponseModelRewriter
{
    public const int MaxJsonBody = 16 << 20;
    private static ReadOnlySpan<byte> DataPrefix => "data:"u8;

    private readonly string _model;
    private readonly bool _eventStream;
    private readonly ArrayBufferWriter<byte> _pending = new();
    private bool _gaveUp;

    private ResponseModelRewriter(string model, bool eventStream)
    {
        _model = model;
        _eventStream = eventStream;
    }

    /// <summary>A rewriter for this content type, or null for bodies that carry no model name (audio, images, text).</summary>
    public static ResponseModelRewriter? For(MediaTypeHeaderValue? contentType, string model) => contentType?.MediaType switch
    {
        "text/event-stream" => new ResponseModelRewriter(model, eventStream: true),
        "application/json" => new ResponseModelRewriter(model, eventStream: false),
        _ => null,
    };

    /// <summary>The bytes to send now for this chunk of the upstream's body (possibly none yet).</summary>
    public ReadOnlyMemory<byte> Transform(ReadOnlySpan<byte> chunk)
    {
        if (_gaveUp)
            return chunk.ToArray();
        _pending.Write(chunk);
        if (!_eventStream)
        {
            if (_pending.WrittenCount <= MaxJsonBody)
                return ReadOnlyMemory<byte>.Empty;
            _gaveUp = true;
            return TakePending();
        }

        var written = _pending.WrittenSpan;
        var end = written.LastIndexOf((byte)'\n');
        if (end < 0)
            return ReadOnlyMemory<byte>.Empty;
        var output = new ArrayBufferWriter<byte>(end + 64);
        foreach (var line in SplitLines(written[..(end + 1)]))
            WriteEventLine(line, output);
        var rest = written[(end + 1)..].ToArray();
        _pending.Clear();
        _pending.Write(rest);
        return output.WrittenMemory;
    }

    /// <summary>What is left when the upstream's body ended.</summary>
    public ReadOnlyMemory<byte> Flush()
    {
        if (_gaveUp || _pending.WrittenCount == 0)
            return TakePending();
        if (_eventStream)
        {
            var output = new ArrayBufferWriter<byte>();
            WriteEventLine(_pending.WrittenSpan, output);
            _pending.Clear();
            return output.WrittenMemory;
        }

        var body = Rewrite(_pending.WrittenSpan) ?? _pending.WrittenSpan.ToArray();
        _pending.Clear();
        return body;
    }

    private ReadOnlyMemory<byte> TakePending()
    {
        var bytes = _pending.WrittenSpan.ToArray();
        _pending.Clear();
        return bytes;
    }

    private void WriteEventLine(ReadOnlySpan<byte> line, ArrayBufferWriter<byte> output)
    {
        if (line.StartsWith(DataPrefix))
        {
            var newline = line.Length - line.TrimEnd("\r\n"u8).Length;
            var payload = line[DataPrefix.Length..^newline];
            if (Rewrite(payload.TrimStart((byte)' ')) is { } rewritten)
            {
                output.Write("data: "u8);
                output.Write(rewritten);
                output.Write(line[^newline..]);
                return;
            }
        }

        output.Write(line);
    }

    /// <summary>The JSON with its top-level <c>model</c> string replaced, or null when it has none (or is not JSON).</summary>
    private byte[]? Rewrite(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty || json[0] != (byte)'{')
            return null;
        try
        {
            if (JsonNode.Parse(json) is not JsonObject root || root["model"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
                return null;
            root["model"] = _model;
            return JsonSerializer.SerializeToUtf8Bytes(root);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<byte[]> SplitLines(ReadOnlySpan<byte> text)
    {
        var lines = new List<byte[]>();
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var length = end < 0 ? text.Length : end + 1;
            lines.Add(text[..length].ToArray());
            text = text[length..];
        }

        return lines;
    }
}

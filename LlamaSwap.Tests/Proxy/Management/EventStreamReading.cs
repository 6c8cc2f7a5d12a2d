using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>One <c>/api/events</c> frame: the raw text and its envelope.</summary>
internal sealed record EventFrame(string Raw, string Type, string Data)
{
    public JsonElement Payload => JsonDocument.Parse(Data).RootElement.Clone();
}

/// <summary>Reads <c>/api/events</c> frame by frame, checking each is exactly <c>event:message\ndata:{json}</c>.</summary>
internal sealed partial class EventStreamReading(Stream body)
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _pending = new();
    private readonly Queue<EventFrame> _frames = new();
    private readonly byte[] _buffer = new byte[256 * 1024];
    private readonly char[] _chars = new char[256 * 1024 + 8];

    public async Task<EventFrame> NextAsync()
    {
        while (_frames.Count == 0)
        {
            var read = await body.ReadAsync(_buffer, TestContext.Current.CancellationToken).AsTask().DefaultTimeout();
            if (read == 0)
                Assert.Fail("the event stream ended");
            var count = _decoder.GetChars(_buffer, 0, read, _chars, 0);
            _pending.Append(_chars, 0, count);
            Split();
        }

        return _frames.Dequeue();
    }

    public async Task<EventFrame> NextOfTypeAsync(string type, Func<EventFrame, bool>? where = null)
    {
        while (true)
        {
            var frame = await NextAsync();
            if (frame.Type == type && (where is null || where(frame)))
                return frame;
        }
    }

    private void Split()
    {
        var text = _pending.ToString();
        int end;
        var start = 0;
        while ((end = text.IndexOf("\n\n", start, StringComparison.Ordinal)) >= 0)
        {
            var raw = text[start..end];
            var match = FrameFormat().Match(raw);
            Assert.True(match.Success, $"not an event:message frame: {raw}");
            using var envelope = JsonDocument.Parse(match.Groups[1].Value);
            Assert.Equal(["type", "data"], envelope.RootElement.EnumerateObject().Select(p => p.Name));
            _frames.Enqueue(new EventFrame(raw, envelope.RootElement.GetProperty("type").GetString()!, envelope.RootElement.GetProperty("data").GetString()!));
            start = end + 2;
        }

        _pending.Clear().Append(text, start, text.Length - start);
    }

    [GeneratedRegex(@"\Aevent:message\ndata:(\{[^\n]*\})\z")]
    private static partial Regex FrameFormat();
}

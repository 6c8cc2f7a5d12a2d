using System.Text;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>Reads a streamed text body as it arrives, so a test can wait for a piece of text.</summary>
internal sealed class StreamReading(Stream body)
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _text = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly char[] _chars = new char[64 * 1024 + 8];
    private int _searchFrom;

    public string Text => _text.ToString();

    /// <summary>Reads until <paramref name="expected"/> has arrived after what earlier waits already found.</summary>
    public async Task<string> UntilAsync(string expected)
    {
        while (true)
        {
            // Only text that arrived since the last search (plus an overlap) is searched again.
            var start = Math.Max(0, _searchFrom - expected.Length);
            var index = _text.ToString(start, _text.Length - start).IndexOf(expected, StringComparison.Ordinal);
            if (index >= 0)
            {
                _searchFrom = start + index + expected.Length;
                return _text.ToString();
            }

            _searchFrom = _text.Length;
            var read = await body.ReadAsync(_buffer, TestContext.Current.CancellationToken).AsTask().DefaultTimeout();
            if (read == 0)
                Assert.Fail($"the stream ended before '{expected}' arrived; received: {Tail()}");
            var count = _decoder.GetChars(_buffer, 0, read, _chars, 0);
            _text.Append(_chars, 0, count);
        }
    }

    /// <summary>Reads until the body ends.</summary>
    public async Task<string> ToEndAsync()
    {
        int read;
        while ((read = await body.ReadAsync(_buffer, TestContext.Current.CancellationToken).AsTask().DefaultTimeout()) > 0)
        {
            var count = _decoder.GetChars(_buffer, 0, read, _chars, 0);
            _text.Append(_chars, 0, count);
        }

        return _text.ToString();
    }

    private string Tail() => _text.Length <= 2000 ? _text.ToString() : "…" + _text.ToString(_text.Length - 2000, 2000);
}

using System.Text;

namespace LlamaSwap.AppHost.Supervision;

/// <summary>
/// Turns raw output chunks (split anywhere, even inside a UTF-8 sequence) into whole lines without
/// their line ending. A partial last line waits for the next chunk.
/// </summary>
internal sealed class LogLineSplitter
{
    /// <summary>A line longer than this is cut, so a process that never writes a newline cannot grow memory.</summary>
    public const int MaxLineLength = 16 * 1024;

    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _pending = new();

    public IReadOnlyList<string> Push(ReadOnlySpan<byte> chunk)
    {
        var chars = new char[Encoding.UTF8.GetMaxCharCount(chunk.Length)];
        var count = _decoder.GetChars(chunk, chars, flush: false);
        var lines = new List<string>();
        foreach (var c in chars.AsSpan(0, count))
        {
            if (c == '\n')
            {
                lines.Add(TakeLine());
                continue;
            }
            _pending.Append(c);
            if (_pending.Length >= MaxLineLength)
                lines.Add(TakeLine());
        }
        return lines;
    }

    private string TakeLine()
    {
        var line = _pending.ToString().TrimEnd('\r');
        _pending.Clear();
        return line;
    }
}

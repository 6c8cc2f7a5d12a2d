using System.Text;
using System.Text.RegularExpressions;
using LlamaSwap.Supervisor.Logs;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>The last few KiB one process wrote, for error messages that show why it failed.</summary>
internal sealed partial class OutputTail(int capacity)
{
    private readonly Lock _gate = new();
    private readonly LogRingBuffer _buffer = new(capacity);

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _buffer.Append(data);
        }
    }

    /// <summary>Up to <paramref name="maxLines"/> last non-empty lines, colour codes removed.</summary>
    public IReadOnlyList<string> LastLines(int maxLines)
    {
        byte[] bytes;
        lock (_gate)
        {
            bytes = _buffer.ToArray();
        }

        var text = AnsiEscape().Replace(Encoding.UTF8.GetString(bytes), "");
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        return lines.Length <= maxLines ? lines : lines[^maxLines..];
    }

    [GeneratedRegex(@"\x1B\[[0-9;?]*[ -/]*[@-~]")]
    private static partial Regex AnsiEscape();
}

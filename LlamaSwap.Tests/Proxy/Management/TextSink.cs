using System.Text;
using LlamaSwap.Proxy.Logs;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>Collects what a log feed writes, so a test can wait until some text has arrived.</summary>
internal sealed class TextSink : ILogSink
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    public string Text
    {
        get
        {
            lock (_gate)
                return _text.ToString();
        }
    }

    public static TextSink Attach(LogFeed feed)
    {
        var sink = new TextSink();
        var history = feed.Attach(sink);
        sink.Write(history);
        return sink;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _text.Append(Encoding.UTF8.GetString(data));
            var text = _text.ToString();
            foreach (var waiter in _waiters.Where(w => text.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public Task WaitForAsync(string text)
    {
        lock (_gate)
        {
            if (_text.ToString().Contains(text, StringComparison.Ordinal))
                return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, seen));
            return seen.Task;
        }
    }
}

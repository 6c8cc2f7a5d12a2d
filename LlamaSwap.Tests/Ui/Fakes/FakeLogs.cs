using System.Text;
using System.Threading.Channels;

namespace LlamaSwap.Tests.Ui.Fakes;

/// <summary>Log history per source (proxy, upstream, each model) and live followers of /logs/stream.</summary>
internal sealed class FakeLogs(FakeEventHub events)
{
    private const int HistoryLimit = 100 * 1024;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StringBuilder> _history = [];
    private readonly List<(string Source, Channel<string> Channel)> _followers = [];

    public void Proxy(string line) => Write("proxy", $"[{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}] [INFO] {line}\n");

    public void Upstream(string model, string text)
    {
        Write(model, text);
        Write("upstream", text);
    }

    public string History(string source)
    {
        lock (_lock) return _history.TryGetValue(source, out var text) ? text.ToString() : "";
    }

    public Channel<string> Follow(string source)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(10) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_lock) _followers.Add((source, channel));
        return channel;
    }

    public void Unfollow(Channel<string> channel)
    {
        lock (_lock) _followers.RemoveAll(f => f.Channel == channel);
    }

    private void Write(string source, string text)
    {
        lock (_lock)
        {
            if (!_history.TryGetValue(source, out var history))
                _history[source] = history = new StringBuilder();
            history.Append(text);
            if (history.Length > HistoryLimit)
                history.Remove(0, history.Length - HistoryLimit);
            foreach (var follower in _followers.Where(f => f.Source == source || (f.Source == "" && source is "proxy" or "upstream")))
                follower.Channel.Writer.TryWrite(text);
        }
        if (source is "proxy" or "upstream")
            events.Publish("logData", new { source, data = text });
    }
}

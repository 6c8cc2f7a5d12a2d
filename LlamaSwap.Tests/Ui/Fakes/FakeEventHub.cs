using System.Text.Json;
using System.Threading.Channels;

namespace LlamaSwap.Tests.Ui.Fakes;

/// <summary>
/// The fake Proxy's /api/events fan-out: one bounded queue per client; a client that does not keep up
/// loses messages (never blocks the publisher), as the real Proxy's contract requires.
/// </summary>
internal sealed class FakeEventHub
{
    private readonly Lock _lock = new();
    private readonly List<Channel<string>> _clients = [];

    public static string Frame(string type, object data) =>
        "event:message\ndata:" + JsonSerializer.Serialize(new { type, data = JsonSerializer.Serialize(data) }) + "\n\n";

    public Channel<string> Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_lock) _clients.Add(channel);
        return channel;
    }

    public void Unsubscribe(Channel<string> channel)
    {
        lock (_lock) _clients.Remove(channel);
    }

    public void Publish(string type, object data)
    {
        var frame = Frame(type, data);
        lock (_lock)
        {
            foreach (var client in _clients)
                client.Writer.TryWrite(frame);
        }
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>One server-sent event as received: its <c>event:</c> name (null if none), data, and arrival time.</summary>
/// <param name="Event">The <c>event:</c> field, or null.</param>
/// <param name="Data">The <c>data:</c> lines joined with newlines.</param>
/// <param name="ReceivedAt">Time since reading started when the event's terminating blank line arrived.</param>
public sealed record ServerSentEvent(string? Event, string Data, TimeSpan ReceivedAt)
{
    public bool IsDone => Data == "[DONE]";
}

/// <summary>
/// Reads a <c>text/event-stream</c> body event by event as bytes arrive, timestamping each one, so tests can
/// check that events are delivered separately and paced (not buffered and coalesced).
/// </summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? eventName = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData || eventName is not null)
                    yield return new ServerSentEvent(eventName, data.ToString(), clock.Elapsed);
                eventName = null;
                data.Clear();
                hasData = false;
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line[6..].TrimStart();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (hasData)
                    data.Append('\n');
                data.Append(line.AsSpan(5).TrimStart(' '));
                hasData = true;
            }
        }

        if (hasData)
            yield return new ServerSentEvent(eventName, data.ToString(), clock.Elapsed);
    }

    /// <summary>Reads every event until the stream ends.</summary>
    public static async Task<List<ServerSentEvent>> ReadAllAsync(Stream body, CancellationToken cancellationToken = default)
    {
        var events = new List<ServerSentEvent>();
        await foreach (var e in ReadAsync(body, cancellationToken))
            events.Add(e);
        return events;
    }
}

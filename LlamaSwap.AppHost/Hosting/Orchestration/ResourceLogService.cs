using System.Collections.Concurrent;
using System.Threading.Channels;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>One console line of a resource, numbered from 1 per resource.</summary>
public sealed record ConsoleLogLine(string Resource, int LineNumber, string Text, bool IsStdErr, DateTimeOffset Timestamp);

/// <summary>
/// The console output of every resource: the last <see cref="MaxLinesPerResource"/> lines each, and
/// live followers. A slow follower loses lines; a process's output is never held up.
/// </summary>
public sealed class ResourceLogService(TimeProvider timeProvider)
{
    public const int MaxLinesPerResource = 5000;

    private readonly ConcurrentDictionary<string, ResourceLog> _logs = new();

    public void Append(string resource, string text, bool isStdErr) =>
        _logs.GetOrAdd(resource, _ => new ResourceLog()).Append(resource, text, isStdErr, timeProvider.GetUtcNow());

    public IReadOnlyList<ConsoleLogLine> GetHistory(string resource) =>
        _logs.TryGetValue(resource, out var log) ? log.Snapshot() : [];

    public IAsyncEnumerable<ConsoleLogLine> FollowAsync(string resource, CancellationToken cancellationToken) =>
        _logs.GetOrAdd(resource, _ => new ResourceLog()).FollowAsync(cancellationToken);

    private sealed class ResourceLog
    {
        private readonly Lock _gate = new();
        private readonly Queue<ConsoleLogLine> _lines = new();
        private readonly List<Channel<ConsoleLogLine>> _followers = [];
        private int _lineNumber;

        public void Append(string resource, string text, bool isStdErr, DateTimeOffset now)
        {
            lock (_gate)
            {
                var line = new ConsoleLogLine(resource, ++_lineNumber, text, isStdErr, now);
                _lines.Enqueue(line);
                if (_lines.Count > MaxLinesPerResource)
                    _lines.Dequeue();
                foreach (var follower in _followers)
                    follower.Writer.TryWrite(line);
            }
        }

        public IReadOnlyList<ConsoleLogLine> Snapshot()
        {
            lock (_gate)
                return _lines.ToList();
        }

        public async IAsyncEnumerable<ConsoleLogLine> FollowAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var channel = Channel.CreateBounded<ConsoleLogLine>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
            List<ConsoleLogLine> history;
            lock (_gate)
            {
                history = _lines.ToList();
                _followers.Add(channel);
            }
            try
            {
                foreach (var line in history)
                    yield return line;
                await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
                    yield return line;
            }
            finally
            {
                lock (_gate)
                    _followers.Remove(channel);
            }
        }
    }
}

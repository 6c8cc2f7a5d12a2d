using System.Text;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Logs;
using LogChunk = LlamaSwap.Rpc.Supervisor.V1.LogChunk;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class StreamLogsTests
{
    private const string Yaml = "models:\n  m:\n    cmd: fake-server\n    proxy: http://127.0.0.1:5999\n";

    [Fact]
    public async Task ASlowReaderLosesLiveChunksAndIsToldHowManyBytes()
    {
        await using var fixture = new ServiceFixture(Yaml, new UpstreamLogHubOptions { SubscriberBufferChunks = 4 });
        using var call = new CancellationTokenSource();
        var reader = new BlockingWriter();
        var writer = fixture.Logs.GetWriter("m");

        var streaming = fixture.Service.StreamLogs(new StreamLogsRequest { Source = "m", NoHistory = true }, reader, Context(call.Token));
        writer.Write("first\n"u8);
        await reader.Entered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        for (var i = 0; i < 20; i++)
            writer.Write("0123456789"u8);
        reader.Release();
        await reader.WaitForAsync(m => m.DroppedBytes > 0);
        await call.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var messages = reader.Messages;
        Assert.Equal("first\n", messages[0].Data.ToStringUtf8());
        Assert.All(messages, m => Assert.Equal("m", m.Source));
        var marker = messages.Single(m => m.DroppedBytes > 0);
        var delivered = messages.Skip(1).Where(m => m.DroppedBytes == 0).Sum(m => m.Data.Length);
        Assert.Equal(200, delivered + (long)marker.DroppedBytes);
        Assert.Contains($"{marker.DroppedBytes} bytes dropped", marker.Data.ToStringUtf8(), StringComparison.Ordinal);
        Assert.Equal(200, Encoding.UTF8.GetString(fixture.Logs.GetHistory("m")).Count(char.IsAsciiDigit));
    }

    [Fact]
    public async Task TheProxySourceIsTheSupervisorLogWithItsHistory()
    {
        await using var fixture = new ServiceFixture(Yaml);
        fixture.SupervisorLog.Write("[INFO] earlier\n"u8);
        using var call = new CancellationTokenSource();
        var reader = new BlockingWriter();
        reader.Release();

        var streaming = fixture.Service.StreamLogs(new StreamLogsRequest { Source = "proxy" }, reader, Context(call.Token));
        fixture.SupervisorLog.Write("[INFO] later\n"u8);
        await reader.WaitForAsync(m => m.Data.ToStringUtf8().Contains("later", StringComparison.Ordinal));
        await call.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("[INFO] earlier\n[INFO] later\n", string.Concat(reader.Messages.Select(m => m.Data.ToStringUtf8())));
        Assert.All(reader.Messages, m => Assert.Equal("proxy", m.Source));
    }

    [Fact]
    public async Task TheCombinedUpstreamSourceNamesTheModelOfEachLiveChunk()
    {
        await using var fixture = new ServiceFixture("models:\n  m:\n    cmd: fake-server\n    proxy: http://127.0.0.1:5999\n  n:\n    cmd: fake-server\n    proxy: http://127.0.0.1:5998\n");
        fixture.Logs.GetWriter("m").Write("before\n"u8);
        using var call = new CancellationTokenSource();
        var reader = new BlockingWriter();
        reader.Release();

        var streaming = fixture.Service.StreamLogs(new StreamLogsRequest { Source = "upstream" }, reader, Context(call.Token));
        await reader.WaitForAsync(m => m.Data.ToStringUtf8() == "before\n");
        fixture.Logs.GetWriter("n").Write("from n\n"u8);
        fixture.Logs.GetWriter("m").Write("from m\n"u8);
        await reader.WaitForAsync(m => m.Data.ToStringUtf8() == "from m\n");
        await call.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // History interleaves every model, so it keeps the combined name; live chunks say who wrote them.
        Assert.Equal([("upstream", "before\n"), ("n", "from n\n"), ("m", "from m\n")], reader.Messages.Select(m => (m.Source, m.Data.ToStringUtf8())));
    }

    [Fact]
    public async Task AnUnknownSourceIsRefusedBeforeAnythingIsSent()
    {
        await using var fixture = new ServiceFixture(Yaml);
        var reader = new BlockingWriter();

        var refused = await Assert.ThrowsAsync<RpcException>(() => fixture.Service.StreamLogs(new StreamLogsRequest { Source = "mm" }, reader, Context(TestContext.Current.CancellationToken)));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("unknown log source \"mm\": expected \"proxy\", \"upstream\" or a model id (\"m\")", refused.Detail);
        Assert.Empty(reader.Messages);
    }

    private static ServerCallContext Context(CancellationToken token) => new(SupervisorMethods.StreamLogs.Path, new Metadata(), cancellationToken: token);

    /// <summary>A response stream whose first write waits until released, like a client that does not read.</summary>
    private sealed class BlockingWriter : IServerStreamWriter<LogChunk>
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private readonly List<LogChunk> _messages = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public IReadOnlyList<LogChunk> Messages
        {
            get
            {
                lock (_gate)
                    return [.. _messages];
            }
        }

        public void Release() => _released.TrySetResult();

        public async ValueTask WriteAsync(LogChunk message, CancellationToken cancellationToken = default)
        {
            _entered.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            TaskCompletionSource changed;
            lock (_gate)
            {
                _messages.Add(message);
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        public async Task WaitForAsync(Func<LogChunk, bool> condition)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(10));
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_messages.Any(condition))
                        return;
                    changed = _changed.Task;
                }

                await changed.WaitAsync(bound.Token);
            }
        }
    }
}

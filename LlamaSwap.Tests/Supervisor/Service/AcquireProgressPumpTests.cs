using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Grpc;
using LlamaSwap.Supervisor.Scheduling;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class AcquireProgressPumpTests
{
    [Fact]
    public void ProgressMapsOntoTheContractsEvents()
    {
        Assert.Equal(3u, AcquireProgressPump.ToEvent(new AcquireProgress.Queued(3)).Queued.Position);
        Assert.Empty(AcquireProgressPump.ToEvent(AcquireProgress.Starting.Instance).Starting.EvictedModelIds);
        Assert.Equal(["a", "b"], AcquireProgressPump.ToEvent(new AcquireProgress.Starting(["a", "b"])).Starting.EvictedModelIds);

        // The scheduler counts the probes made; the contract names the one about to be made.
        Assert.Equal(1u, AcquireProgressPump.ToEvent(new AcquireProgress.WaitingForReady(0)).WaitingForReady.Attempt);
        Assert.Equal(5u, AcquireProgressPump.ToEvent(new AcquireProgress.WaitingForReady(4)).WaitingForReady.Attempt);
    }

    [Fact]
    public async Task ReportsAreWrittenInOrderAndAllOfThemBeforeCompleteReturns()
    {
        var stream = new SlowWriter();
        var pump = new AcquireProgressPump(stream, TestContext.Current.CancellationToken);

        for (var i = 1; i <= 20; i++)
            pump.Report(new AcquireProgress.Queued(i));
        await pump.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (uint)i), stream.Written.Select(e => e.Queued.Position));
    }

    [Fact]
    public async Task WithoutReportsNothingRunsAndLaterReportsAreDropped()
    {
        // The ready path: no report, so Ready is written right after without waiting on a writer task.
        var stream = new SlowWriter();
        var pump = new AcquireProgressPump(stream, TestContext.Current.CancellationToken);

        var completed = pump.CompleteAsync();
        Assert.True(completed.IsCompletedSuccessfully);
        await completed;
        pump.Report(AcquireProgress.Starting.Instance);
        await pump.StopAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Empty(stream.Written);
    }

    [Fact]
    public async Task DrainWritesWhatIsQueuedAndNeverThrows()
    {
        var stream = new SlowWriter();
        var pump = new AcquireProgressPump(stream, TestContext.Current.CancellationToken);
        pump.Report(AcquireProgress.Starting.Instance);
        pump.Report(new AcquireProgress.WaitingForReady(0));

        await pump.DrainAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([AcquireEvent.EventOneofCase.Starting, AcquireEvent.EventOneofCase.WaitingForReady], stream.Written.Select(e => e.EventCase));
        var failing = new AcquireProgressPump(new SlowWriter { Fail = true }, TestContext.Current.CancellationToken);
        failing.Report(AcquireProgress.Starting.Instance);
        await failing.DrainAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StopDropsWhatIsQueuedAndNeverThrows()
    {
        var stream = new SlowWriter { Fail = true };
        var pump = new AcquireProgressPump(stream, TestContext.Current.CancellationToken);
        pump.Report(AcquireProgress.Starting.Instance);

        await pump.StopAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private sealed class SlowWriter : IServerStreamWriter<AcquireEvent>
    {
        private readonly Lock _gate = new();
        private readonly List<AcquireEvent> _written = [];
        private int _writing;

        public bool Fail { get; init; }

        public IReadOnlyList<AcquireEvent> Written
        {
            get
            {
                lock (_gate)
                    return [.. _written];
            }
        }

        public async ValueTask WriteAsync(AcquireEvent message, CancellationToken cancellationToken = default)
        {
            Assert.Equal(0, Interlocked.Exchange(ref _writing, 1));
            await Task.Yield();
            Volatile.Write(ref _writing, 0);
            if (Fail)
                throw new RpcException(StatusCode.Cancelled, "gone");
            lock (_gate)
                _written.Add(message);
        }
    }
}

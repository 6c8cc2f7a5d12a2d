using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Rpc.Infrastructure;

namespace LlamaSwap.Tests.Rpc.Supervisor;

/// <summary>The Supervisor contract end to end: typed client, transport, service base.</summary>
public sealed class SupervisorContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeSupervisorService _service = new();
    private GrpcTestServer? _server;
    private GrpcChannel? _channel;

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private SupervisorClient Client => new(_channel!);

    public async ValueTask InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(map: app => app.MapGrpcService(_service));
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task AcquireReportsProgressAndHoldsTheLeaseUntilDisposed()
    {
        var progress = new List<AcquireEvent.EventOneofCase>();

        var lease = await Client.AcquireAsync(new AcquireRequest { ModelId = "qwen", RequestId = "r1" }, new SyncProgress(e => progress.Add(e.EventCase))).WaitAsync(Timeout, TestToken);

        Assert.Equal([AcquireEvent.EventOneofCase.Queued, AcquireEvent.EventOneofCase.Starting, AcquireEvent.EventOneofCase.WaitingForReady], progress);
        Assert.Equal("http://127.0.0.1:5801", lease.Ready.UpstreamBaseUrl);
        Assert.Equal("gpu-1", lease.Ready.Host.HostId);
        Assert.False(_service.LeaseReleased.Task.IsCompleted);

        await lease.DisposeAsync().AsTask().WaitAsync(Timeout, TestToken);

        Assert.Equal("qwen", await _service.LeaseReleased.Task.WaitAsync(Timeout, TestToken));
        Assert.False(lease.Revoked.IsCancellationRequested);
        Assert.Null(lease.EndStatus);
        await _server!.Calls.WaitForIdleAsync().WaitAsync(Timeout, TestToken);
    }

    [Fact]
    public async Task ReleasingALeaseThrowsNoExceptionInTheClient()
    {
        // The connection exists before the marked flow starts, so its frame loop is not counted.
        await Client.GetStateAsync(options: new CallOptions(CancellationToken: TestToken)).WaitAsync(Timeout, TestToken);
        var thrown = new List<string>();
        var marker = new AsyncLocal<bool>();
        void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (!marker.Value)
            {
                return;
            }

            // The runtime's HTTP/2 stream raises its own cancellation internally when a pending read is woken
            // (caught inside System.IO.Pipelines); what must not happen is this library failing the call (an
            // RpcException) or throwing from one of its own frames (the last frame at first chance).
            var trace = e.Exception.StackTrace ?? string.Empty;
            var frames = trace.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var throwingFrame = frames.Length > 0 ? frames[^1] : string.Empty;
            if (e.Exception is RpcException || throwingFrame.Contains(" LlamaSwap.", StringComparison.Ordinal))
            {
                lock (thrown)
                {
                    thrown.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}\n{trace}");
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            marker.Value = true;
            var lease = await Client.AcquireAsync(new AcquireRequest { ModelId = "qwen" }).WaitAsync(Timeout, TestToken);
            await lease.DisposeAsync().AsTask().WaitAsync(Timeout, TestToken);
            marker.Value = false;

            Assert.Equal("qwen", await _service.LeaseReleased.Task.WaitAsync(Timeout, TestToken));
            Assert.False(lease.Revoked.IsCancellationRequested);
            Assert.Null(lease.EndStatus);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
        }

        lock (thrown)
        {
            Assert.True(thrown.Count == 0, string.Join("\n----\n", thrown));
        }
    }

    [Theory]
    [InlineData("full", StatusCode.ResourceExhausted)]
    [InlineData("missing", StatusCode.NotFound)]
    public async Task AcquireFailuresArriveAsStatus(string model, StatusCode expected)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.AcquireAsync(new AcquireRequest { ModelId = model }).WaitAsync(Timeout, TestToken));

        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(model, ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALeaseEndedByTheSupervisorIsRevoked()
    {
        await using var lease = await Client.AcquireAsync(new AcquireRequest { ModelId = "revoke" }).WaitAsync(Timeout, TestToken);

        var revoked = new TaskCompletionSource();
        using var registration = lease.Revoked.Register(() => revoked.TrySetResult());
        await revoked.Task.WaitAsync(Timeout, TestToken);

        Assert.Equal(StatusCode.Aborted, lease.EndStatus?.StatusCode);
    }

    [Fact]
    public async Task GetStateRoundTripsEveryField()
    {
        var snapshot = await Client.GetStateAsync().WaitAsync(Timeout, TestToken);

        Assert.Equal(FakeSupervisorService.Snapshot(7), snapshot);
        Assert.Equal(TimeSpan.FromSeconds(299.5), snapshot.Models[0].TtlRemaining.ToTimeSpan());
    }

    [Fact]
    public async Task WatchStateStreamsSnapshotsUntilDisposed()
    {
        var watch = Client.WatchState();

        Assert.True(await watch.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        Assert.Equal(1ul, watch.Current.ConfigGeneration);
        Assert.True(await watch.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        Assert.Equal(2ul, watch.Current.ConfigGeneration);
        await watch.DisposeAsync();

        await _service.WatchEnded.Task.WaitAsync(Timeout, TestToken);
    }

    [Fact]
    public async Task StreamLogsCarriesRawBytesAndDroppedCounts()
    {
        using var logs = Client.StreamLogs(new StreamLogsRequest { Source = "qwen" });

        var chunks = await logs.ReadAllAsync(TestToken).ToListAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken);

        Assert.Equal("history\n", chunks[0].Data.ToStringUtf8());
        Assert.Equal(new byte[] { 0xE2, 0x82 }, chunks[1].Data.ToByteArray());
        Assert.Equal(17ul, chunks[1].DroppedBytes);
    }

    [Fact]
    public async Task StreamLogsOfAnUnknownSourceIsInvalidArgument()
    {
        using var logs = Client.StreamLogs(new StreamLogsRequest { Source = "nope", NoHistory = true });

        var ex = await Assert.ThrowsAsync<RpcException>(() => logs.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("'nope'", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAndUnloadCarryHostIdentity()
    {
        var load = await Client.LoadAsync(new LoadRequest { ModelId = "qwen" }).WaitAsync(Timeout, TestToken);
        var unloadAll = await Client.UnloadAsync(new UnloadRequest()).WaitAsync(Timeout, TestToken);
        var unloadHard = await Client.UnloadAsync(new UnloadRequest { ModelIds = { "qwen" }, Hard = true }).WaitAsync(Timeout, TestToken);

        Assert.Equal(ModelState.Ready, load.Model.State);
        Assert.Equal("gpu-1", load.Host.HostId);
        Assert.Equal(["qwen", "whisper"], unloadAll.UnloadedModelIds);
        Assert.Equal(["qwen!"], unloadHard.UnloadedModelIds);
        Assert.Equal("GPU box 1", unloadHard.Host.HostName);
    }

    [Fact]
    public void TheServiceBaseMapsEveryMethodOfTheContract()
    {
        var descriptor = SupervisorReflection.Descriptor.Services.Single();
        var table = new[] { SupervisorMethods.Acquire.Name, SupervisorMethods.Load.Name, SupervisorMethods.Unload.Name, SupervisorMethods.GetState.Name, SupervisorMethods.WatchState.Name, SupervisorMethods.StreamLogs.Name };

        Assert.Equal("llamaswap.supervisor.v1.Supervisor", SupervisorMethods.ServiceName);
        Assert.Equal(descriptor.Methods.Select(m => m.Name).Order(), table.Order());
        Assert.All(descriptor.Methods, m => Assert.False(m.IsClientStreaming));
        Assert.True(descriptor.FindMethodByName("Acquire").IsServerStreaming);
        Assert.Equal(GrpcMethodType.ServerStreaming, SupervisorMethods.Acquire.Type);
    }

    private sealed class SyncProgress(Action<AcquireEvent> report) : IProgress<AcquireEvent>
    {
        public void Report(AcquireEvent value) => report(value);
    }
}

using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Configuration;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>
/// A small Supervisor for Proxy tests that need to inject faults: a real gRPC server (our transport on
/// Kestrel h2c) that starts a real simulator process per model on demand, one process at a time. Models
/// whose <c>cmd</c> runs the simulator with the same arguments share its process (so one test class can
/// route many configured models to one simulator). A swap waits until the running process's leases are
/// released (streaming Queued meanwhile), stops it, then starts the requested one (Starting,
/// WaitingForReady, Ready). Leases are counted per model; a test can refuse Acquires with any status,
/// delay them, or revoke held leases. A model whose <c>cmd</c> is not the simulator is leased at its
/// <c>proxy</c> URL at once, with no process.
/// </summary>
internal sealed class TestSupervisor : SupervisorServiceBase, IAsyncDisposable
{
    public static readonly HostIdentity Host = new() { HostId = "test-host", HostName = "test supervisor" };

    private readonly LlamaSwapConfig _config;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _swap = new(1, 1);
    private readonly Dictionary<string, int> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CancellationTokenSource>> _revokers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Model, string? TraceParent)> _acquires = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private SimulatorProcess? _running;
    /// <summary>The simulator arguments of the running (or starting) process.</summary>
    private string? _runningKey;
    private bool _starting;
    private readonly ulong _generation = 1;

    private TestSupervisor(LlamaSwapConfig config) => _config = config;

    public Uri Address { get; private set; } = null!;

    /// <summary>Runs before an Acquire does anything; throw an RpcException to refuse it, or await to delay it.</summary>
    public Func<AcquireRequest, CancellationToken, Task>? BeforeAcquire { get; set; }

    /// <summary>An upstream URL to lease instead of starting a simulator (null: start one as usual).</summary>
    public Func<string, string?>? UpstreamOverride { get; set; }

    /// <summary>Every Acquire received, in order, with the <c>traceparent</c> it carried.</summary>
    public IReadOnlyCollection<(string Model, string? TraceParent)> Acquires => _acquires;

    /// <summary>The simulator serving <paramref name="modelId"/> right now, if any.</summary>
    public SimulatorProcess? Simulator(string modelId)
    {
        lock (_lock)
            return IsRunning(modelId) ? _running : null;
    }

    public int Leases(string modelId)
    {
        lock (_lock)
            return _leases.GetValueOrDefault(modelId);
    }

    /// <param name="port">A fixed port (to restart a Supervisor where the Proxy expects it); 0 picks one.</param>
    public static async Task<TestSupervisor> StartAsync(LlamaSwapConfig config, int port = 0)
    {
        var supervisor = new TestSupervisor(config);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcServer();
        var app = builder.Build();
        app.MapGrpcService(supervisor);
        await app.StartAsync(TestContext.Current.CancellationToken);
        supervisor._app = app;
        supervisor.Address = new Uri(app.Urls.Single());
        return supervisor;
    }

    /// <summary>Waits until the model holds exactly <paramref name="count"/> leases.</summary>
    public async Task WaitForLeasesAsync(string modelId, int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_leases.GetValueOrDefault(modelId) == count)
                    return;
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"model {modelId} holds {Leases(modelId)} leases, expected {count}");
            }
        }
    }

    /// <summary>Ends every lease held on the model with ABORTED, as a hard unload does.</summary>
    public void Revoke(string modelId)
    {
        List<CancellationTokenSource> revokers;
        lock (_lock)
            revokers = [.. _revokers.GetValueOrDefault(modelId) ?? []];
        foreach (var revoker in revokers)
            revoker.Cancel();
    }

    public override async Task Acquire(AcquireRequest request, IServerStreamWriter<AcquireEvent> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        _acquires.Enqueue((request.ModelId, context.RequestHeaders.GetValue("traceparent")));
        if (BeforeAcquire is { } hook)
            await hook(request, token);
        if (!_config.Models.ContainsKey(request.ModelId))
            throw new RpcException(StatusCode.NotFound, $"model '{request.ModelId}' is not configured on {Host.HostId}");

        string upstream;
        if ((UpstreamOverride?.Invoke(request.ModelId) ?? ExternalUpstream(request.ModelId)) is { } overridden)
        {
            upstream = overridden;
            lock (_lock)
                _leases[request.ModelId] = _leases.GetValueOrDefault(request.ModelId) + 1;
            Changed();
        }
        else
        {
            upstream = (await EnsureRunningAsync(request.ModelId, responseStream, token)).BaseUrl;
        }

        using var revoker = new CancellationTokenSource();
        lock (_lock)
        {
            if (!_revokers.TryGetValue(request.ModelId, out var list))
                _revokers[request.ModelId] = list = [];
            list.Add(revoker);
        }

        try
        {
            await responseStream.WriteAsync(new AcquireEvent
            {
                Ready = new AcquireEvent.Types.Ready { ModelId = request.ModelId, UpstreamBaseUrl = upstream, Host = Host },
            }, token);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, revoker.Token);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, linked.Token);
            }
            catch (OperationCanceledException) when (revoker.IsCancellationRequested && !token.IsCancellationRequested)
            {
                throw new RpcException(StatusCode.Aborted, $"model '{request.ModelId}' was unloaded");
            }
        }
        finally
        {
            lock (_lock)
            {
                _leases[request.ModelId]--;
                _revokers[request.ModelId].Remove(revoker);
            }

            Changed();
        }
    }

    /// <summary>Takes a lease on the model, swapping it in first if needed.</summary>
    private async Task<SimulatorProcess> EnsureRunningAsync(string modelId, IServerStreamWriter<AcquireEvent> stream, CancellationToken token)
    {
        var queuedSent = false;
        while (true)
        {
            lock (_lock)
            {
                if (IsRunning(modelId) && _running is { } ready)
                {
                    _leases[modelId] = _leases.GetValueOrDefault(modelId) + 1;
                    Changed();
                    return ready;
                }
            }

            await _swap.WaitAsync(token);
            try
            {
                bool fastPath;
                lock (_lock)
                    fastPath = IsRunning(modelId);
                if (fastPath)
                    continue;

                // Drain before swap: never stop a model that is serving.
                while (true)
                {
                    Task changed;
                    lock (_lock)
                    {
                        if (_runningKey is null || RunningLeases() == 0)
                            break;
                        changed = _changed.Task;
                    }

                    if (!queuedSent)
                    {
                        await stream.WriteAsync(new AcquireEvent { Queued = new AcquireEvent.Types.Queued { Position = 1 } }, token);
                        queuedSent = true;
                    }

                    await changed.WaitAsync(token);
                }

                await SwapAsync(modelId, stream, token);
            }
            finally
            {
                _swap.Release();
            }
        }
    }

    private async Task SwapAsync(string modelId, IServerStreamWriter<AcquireEvent> stream, CancellationToken token)
    {
        SimulatorProcess? previous;
        List<string> evicted;
        lock (_lock)
        {
            previous = _running;
            evicted = [.. _config.Models.Keys.Where(id => _runningKey is not null && Key(id) == _runningKey)];
            _running = null;
            _runningKey = Key(modelId);
            _starting = true;
        }

        Changed();
        await stream.WriteAsync(new AcquireEvent { Starting = new AcquireEvent.Types.Starting { EvictedModelIds = { evicted } } }, token);
        if (previous is not null)
            await previous.DisposeAsync();

        var simulator = SimulatorProcess.Launch(SimulatorArguments(_config.Models[modelId]));
        try
        {
            await simulator.WaitUntilListeningAsync(cancellationToken: token);
            await stream.WriteAsync(new AcquireEvent { WaitingForReady = new AcquireEvent.Types.WaitingForReady { Attempt = 1 } }, token);
            await simulator.WaitUntilHealthyAsync(cancellationToken: token);
        }
        catch
        {
            await simulator.DisposeAsync();
            lock (_lock)
            {
                _runningKey = null;
                _starting = false;
            }

            Changed();
            throw;
        }

        lock (_lock)
        {
            _running = simulator;
            _starting = false;
        }

        Changed();
    }

    /// <summary>The <c>proxy</c> of a model whose <c>cmd</c> does not run the simulator: an upstream the test runs itself.</summary>
    private string? ExternalUpstream(string modelId)
    {
        var model = _config.Models[modelId];
        return model.CommandLine.Any(a => a.EndsWith("LlamaSwap.Simulator.dll", StringComparison.Ordinal)) ? null : model.Proxy;
    }

    /// <summary>The simulator arguments of a model's <c>cmd</c> (everything after the simulator dll), on a port of its own choosing.</summary>
    internal static List<string> SimulatorArguments(ModelConfig model)
    {
        var argv = model.CommandLine;
        var dll = argv.IndexOf(argv.FirstOrDefault(a => a.EndsWith("LlamaSwap.Simulator.dll", StringComparison.Ordinal)) ?? "");
        var args = new List<string>();
        for (var i = dll + 1; i < argv.Length; i++)
        {
            if (argv[i] == "--port")
            {
                i++;
                continue;
            }

            args.Add(argv[i]);
        }

        return args;
    }

    public override Task<LoadReply> Load(LoadRequest request, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "the test supervisor does not preload");

    public override Task<UnloadReply> Unload(UnloadRequest request, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "the test supervisor does not unload");

    public override Task<StateSnapshot> GetState(GetStateRequest request, ServerCallContext context) => Task.FromResult(Snapshot());

    public override async Task WatchState(WatchStateRequest request, IServerStreamWriter<StateSnapshot> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        while (!token.IsCancellationRequested)
        {
            Task changed;
            StateSnapshot snapshot;
            lock (_lock)
            {
                changed = _changed.Task;
                snapshot = Snapshot();
            }

            await responseStream.WriteAsync(snapshot, token);
            await changed.WaitAsync(token);
        }
    }

    public override Task StreamLogs(StreamLogsRequest request, IServerStreamWriter<LogChunk> responseStream, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "the test supervisor keeps no logs");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        SimulatorProcess? running;
        lock (_lock)
            running = _running;
        if (running is not null)
            await running.DisposeAsync();
    }

    private StateSnapshot Snapshot()
    {
        lock (_lock)
        {
            var snapshot = new StateSnapshot { Host = Host, ConfigGeneration = _generation, TakenAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
            foreach (var id in _config.Models.Keys)
            {
                var running = _runningKey is not null && Key(id) == _runningKey;
                snapshot.Models.Add(new ModelStatus
                {
                    ModelId = id,
                    State = !running ? ModelState.Stopped : _starting ? ModelState.Starting : ModelState.Ready,
                    Pid = running && _running is { } p ? p.Pid : 0,
                    UpstreamBaseUrl = running && _running is { } u ? u.BaseUrl : "",
                    InFlightLeases = (uint)_leases.GetValueOrDefault(id),
                });
            }

            return snapshot;
        }
    }

    private string Key(string modelId) => string.Join('\0', SimulatorArguments(_config.Models[modelId]));

    private bool IsRunning(string modelId) => !_starting && _running is not null && Key(modelId) == _runningKey;

    private int RunningLeases() => _config.Models.Keys.Where(id => Key(id) == _runningKey).Sum(id => _leases.GetValueOrDefault(id));

    private void Changed()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}

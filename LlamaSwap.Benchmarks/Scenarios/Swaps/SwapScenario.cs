using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using LlamaSwap.Benchmarks.Harness;
using LlamaSwap.Benchmarks.Reporting;
using LlamaSwap.Benchmarks.Scenarios.Proxy;
using LlamaSwap.Benchmarks.Servers;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Benchmarks.Scenarios.Swaps;

/// <summary>
/// What a swap costs beyond the upstream's own start: cold starts against the simulator's own
/// spawn-to-ready time, readiness detection against a known instant, a swap between two models,
/// and churn (A, B and C requested interleaved on one slot) with and without the starvation bound.
/// The Supervisor's gRPC API is called directly, as the Proxy calls it.
/// </summary>
internal sealed class SwapScenario(BenchmarkProfile profile, TextWriter log)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private const double StarvationBoundSeconds = 2;

    public async Task<(SwapResults Swaps, LatencySummary Acquire, LatencySummary Release)> RunAsync(StackLauncher launch, CancellationToken cancellationToken)
    {
        var startPort = LoopbackPorts.GetBlock(SwapModels.Churn.Count + 1);
        var gatePort = LoopbackPorts.Get();
        ColdStartResult cold;
        ReadinessResult readiness;
        LatencySummary swap;
        LatencySummary acquire;
        LatencySummary release;
        var churn = new List<ChurnResult>();
        using var chat = new ChatClient(closeConnections: true);

        await using (var stack = await launch(SwapModels.Yaml(startPort, gatePort, StarvationBoundSeconds), cancellationToken))
        {
            var supervisor = stack.Supervisor;
            // The simulator's own start and the cold starts alternate, so both see the same background load.
            log.WriteLine("swaps: cold starts, and the simulator's own spawn → ready");
            var ownReady = new List<long>();
            var coldAcquire = new List<long>();
            var coldFirstByte = new List<long>();
            var proxyStatus = stack.ProxyBaseUrl is null ? "no Proxy" : "measured";
            for (var i = 0; i < profile.ColdStarts; i++)
            {
                ownReady.Add(await SimulatorOwnReadyAsync(cancellationToken));
                await UnloadAllAsync(supervisor, cancellationToken);
                var begin = Stopwatch.GetTimestamp();
                await using (await AcquireAsync(supervisor, SwapModels.A, cancellationToken))
                {
                    coldAcquire.Add(Stopwatch.GetTimestamp() - begin);
                }

                if (stack.ProxyBaseUrl is { } proxy && proxyStatus == "measured")
                {
                    await UnloadAllAsync(supervisor, cancellationToken);
                    var url = new Uri(proxy + "/v1/chat/completions");
                    if (await chat.StreamAsync(url, ChatClient.Body(SwapModels.A, stream: true), cancellationToken) is { } timing)
                    {
                        coldFirstByte.Add(timing.TimeToFirstByte);
                    }
                    else
                    {
                        proxyStatus = await chat.ProbeAsync(url, ChatClient.Body(SwapModels.A, stream: false), cancellationToken) ?? "a cold streamed request failed";
                    }
                }
            }

            cold = new ColdStartResult(LatencySummary.FromTicks(ownReady), LatencySummary.FromTicks(coldAcquire), coldFirstByte.Count > 0 ? LatencySummary.FromTicks(coldFirstByte) : null, proxyStatus);

            log.WriteLine("swaps: Acquire on a running model");
            await using (await AcquireAsync(supervisor, SwapModels.A, cancellationToken))
            {
            }

            // As the Proxy calls it (no deadline); the time to Ready and the release are timed apart.
            var readyTicks = new List<long>();
            var releaseTicks = new List<long>();
            var measuring = false;
            LoadOperation leaseOnce = async ct =>
            {
                var begin = Stopwatch.GetTimestamp();
                var lease = await supervisor.AcquireAsync(new AcquireRequest { ModelId = SwapModels.A, RequestId = "benchmark" }, null, new CallOptions(CancellationToken: ct));
                var ready = Stopwatch.GetTimestamp();
                await lease.DisposeAsync();
                if (measuring)
                {
                    readyTicks.Add(ready - begin);
                    releaseTicks.Add(Stopwatch.GetTimestamp() - ready);
                }

                return lease.Ready.Port > 0;
            };
            await ClosedLoopLoad.RunForAsync(1, profile.Warmup, leaseOnce, cancellationToken);
            measuring = true;
            await ClosedLoopLoad.RunCountAsync(1, profile.LeaseCalls, leaseOnce, cancellationToken);
            acquire = LatencySummary.FromTicks(readyTicks);
            release = LatencySummary.FromTicks(releaseTicks);

            log.WriteLine("swaps: swap between two models");
            var swaps = new List<long>();
            for (var i = 0; i < profile.Swaps; i++)
            {
                var (from, to) = i % 2 == 0 ? (SwapModels.A, SwapModels.B) : (SwapModels.B, SwapModels.A);
                await using (await AcquireAsync(supervisor, from, cancellationToken))
                {
                }

                var begin = Stopwatch.GetTimestamp();
                await using (await AcquireAsync(supervisor, to, cancellationToken))
                {
                    swaps.Add(Stopwatch.GetTimestamp() - begin);
                }
            }

            swap = LatencySummary.FromTicks(swaps);

            log.WriteLine("swaps: readiness detection");
            readiness = await ReadinessAsync(supervisor, gatePort, cancellationToken);

            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"swaps: churn with a {StarvationBoundSeconds} s starvation bound"));
            await UnloadAllAsync(supervisor, cancellationToken);
            churn.Add(await ChurnAsync(supervisor, chat, "with starvation bound", StarvationBoundSeconds, cancellationToken));
        }

        log.WriteLine("swaps: churn without a starvation bound");
        await using (var stack = await launch(SwapModels.Yaml(startPort, gatePort, 0), cancellationToken))
        {
            churn.Add(await ChurnAsync(stack.Supervisor, chat, "without starvation bound", 0, cancellationToken));
        }

        return (new SwapResults("measured") { ColdStart = cold, Readiness = readiness, Swap = swap, Churn = churn }, acquire, release);
    }

    /// <summary>
    /// Spawn → first 200 from /health of the simulator the Supervisor runs, started directly and
    /// polled every millisecond: the upstream's own time to ready, including its first request's
    /// warm-up, which any readiness check pays.
    /// </summary>
    private static async Task<long> SimulatorOwnReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var port = LoopbackPorts.Get();
        var argv = SimulatorServer.CommandLine(SwapModels.SimulatorArguments(SwapModels.A, port.ToString(CultureInfo.InvariantCulture)));
        var health = new Uri($"http://127.0.0.1:{port}/health");
        var begin = Stopwatch.GetTimestamp();
        await using var simulator = ChildProcess.Start("simulator", argv[0], argv.Skip(1));
        while (true)
        {
            if (simulator.HasExited || Stopwatch.GetElapsedTime(begin) > StepTimeout)
            {
                throw new InvalidOperationException($"the simulator did not become ready. Output:\n{simulator.Output}");
            }

            try
            {
                using var response = await client.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return Stopwatch.GetTimestamp() - begin;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        }
    }

    /// <summary>
    /// The upstream of <c>gate</c> is a simulator started here with a load time; it prints
    /// "model loaded" the moment its /health turns 200. Detection = Ready's arrival − that line's.
    /// Load times vary so the probes' schedule is sampled at every phase.
    /// </summary>
    private async Task<ReadinessResult> ReadinessAsync(SupervisorClient supervisor, int gatePort, CancellationToken cancellationToken)
    {
        var samples = new List<long>();
        for (var i = 0; i < Math.Max(2, profile.ColdStarts); i++)
        {
            await UnloadAllAsync(supervisor, cancellationToken);
            var loadTime = 300 + (i * 137 % 700);
            var argv = SimulatorServer.CommandLine(["--port", gatePort.ToString(CultureInfo.InvariantCulture), "--model", SwapModels.Gate, "--load-time", $"{loadTime}ms"]);
            await using var upstream = ChildProcess.Start("gate simulator", argv[0], argv.Skip(1));
            await upstream.WaitForLineAsync(l => l.Contains("listening on", StringComparison.Ordinal), StepTimeout, cancellationToken);
            var acquire = AcquireAsync(supervisor, SwapModels.Gate, cancellationToken);
            var (loaded, _) = await upstream.WaitForLineAsync(l => l == "model loaded", StepTimeout, cancellationToken);
            await using var lease = await acquire;
            samples.Add(Math.Max(0, Stopwatch.GetTimestamp() - loaded));
        }

        await UnloadAllAsync(supervisor, cancellationToken);
        return new ReadinessResult(LatencySummary.FromTicks(samples), samples.Count);
    }

    private async Task<ChurnResult> ChurnAsync(SupervisorClient supervisor, ChatClient chat, string mode, double bound, CancellationToken cancellationToken)
    {
        // Three clients per model, each holding its lease for a 50 ms request and asking again as
        // soon as it is done: the running model's leases overlap and never drain on their own,
        // as with several users of one model, which is what the starvation bound exists for.
        const int clientsPerModel = 3;
        var waits = new ConcurrentBag<(string Model, long Ticks)>();
        var pids = new ConcurrentDictionary<int, string>();
        var pending = new ConcurrentDictionary<int, long>();
        var requests = 0;
        var failures = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var clients = new List<Task>();
        for (var k = 0; k < clientsPerModel; k++)
        {
            foreach (var model in SwapModels.Churn)
            {
                var id = clients.Count;
                clients.Add(Task.Run(async () =>
                {
                    var body = ChatClient.Body(model, stream: false);
                    while (!stop.IsCancellationRequested)
                    {
                        var begin = Stopwatch.GetTimestamp();
                        pending[id] = begin;
                        SupervisorLease lease;
                        try
                        {
                            // The end of the run cancels a waiting Acquire, never a held lease: cancelling one would
                            // release it under its request in flight, and a swap could stop the upstream under it.
                            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                            lease = await supervisor.AcquireAsync(new AcquireRequest { ModelId = model, RequestId = "churn" }, null, new CallOptions(CancellationToken: waiting.Token));
                        }
                        catch (RpcException) when (stop.IsCancellationRequested)
                        {
                            return;
                        }

                        pending.TryRemove(id, out _);
                        await using (lease)
                        {
                            waits.Add((model, Stopwatch.GetTimestamp() - begin));
                            pids.TryAdd(lease.Ready.Pid, model);
                            Interlocked.Increment(ref requests);
                            try
                            {
                                if (!await chat.CompleteAsync(new Uri(lease.Ready.UpstreamBaseUrl + "/v1/chat/completions?wait=50ms"), body, CancellationToken.None))
                                {
                                    Interlocked.Increment(ref failures);
                                }
                            }
                            catch (HttpRequestException)
                            {
                                // The upstream went away while this client held a lease on it.
                                Interlocked.Increment(ref failures);
                            }
                        }
                    }
                }, CancellationToken.None));
                // Arrivals interleave: A, B, C, A, B, C, ...
                await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            }
        }

        await Task.Delay(profile.ChurnDuration, cancellationToken);
        var end = Stopwatch.GetTimestamp();
        var stillWaiting = pending.Values.ToList();
        await stop.CancelAsync();
        await Task.WhenAll(clients).WaitAsync(StepTimeout, cancellationToken);

        var all = waits.Select(w => w.Ticks).ToList();
        var longest = all.Concat(stillWaiting.Select(p => end - p)).DefaultIfEmpty(0).Max();
        return new ChurnResult(
            mode, bound, Math.Round(Stopwatch.GetElapsedTime(started, end).TotalSeconds, 1), requests, Math.Max(0, pids.Count - 1),
            LatencySummary.FromTicks(all),
            SwapModels.Churn.ToDictionary(m => m, m => LatencySummary.FromTicks([.. waits.Where(w => w.Model == m).Select(w => w.Ticks)])),
            stillWaiting.Count, Math.Round(Stopwatch.GetElapsedTime(0, longest).TotalMilliseconds, 1), failures);
    }

    private static Task<SupervisorLease> AcquireAsync(SupervisorClient supervisor, string model, CancellationToken cancellationToken) =>
        supervisor.AcquireAsync(new AcquireRequest { ModelId = model, RequestId = "benchmark" }, null,
            new CallOptions(Deadline: DateTimeOffset.UtcNow + StepTimeout, CancellationToken: cancellationToken));

    private static Task UnloadAllAsync(SupervisorClient supervisor, CancellationToken cancellationToken) =>
        supervisor.UnloadAsync(new UnloadRequest(), new CallOptions(Deadline: DateTimeOffset.UtcNow + StepTimeout, CancellationToken: cancellationToken));
}

using System.Diagnostics;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;
using SchedulerState = LlamaSwap.Supervisor.Scheduling.ModelState;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>
/// Random traffic from a fixed seed against real simulators, for each kind of router: arrivals, holds, callers
/// that give up while waiting, upstream requests, short TTLs and unload timeouts, unloads in the middle. Nothing
/// may hang, every request is answered, the router's limit holds for the processes the operating system shows
/// (and in every scheduler snapshot), and nothing is left running at the end.
/// </summary>
public sealed class StormTests
{
    private static readonly TimeSpan StormBudget = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("default", 7001)]
    [InlineData("groups", 7002)]
    [InlineData("maxLoaded", 7003)]
    [InlineData("matrix", 7004)]
    public async Task ARandomStormIsAnsweredWithinTheRoutersLimitsAndLeavesNothingRunning(string router, int seed)
    {
        var random = new Random(seed);
        var (config, rule) = Configure(router, random);
        var clock = Stopwatch.StartNew();
        await using var host = await StartAsync(config, rule);
        var snapshotViolations = new List<string>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var watcher = WatchSnapshotsAsync(host, rule, snapshotViolations, stopWatching.Token);

        var plan = Enumerable.Range(0, 36).Select(i => Request.Random(random, i)).ToList();
        var unloads = Enumerable.Range(0, 2).Select(_ => (At: TimeSpan.FromMilliseconds(random.Next(300, 2500)), Model: ((char)('a' + random.Next(4))).ToString())).ToList();
        var requests = plan.Select(r => RunAsync(host, r)).ToList();
        var unloading = unloads.Select(u => UnloadAtAsync(host, u.At, u.Model)).ToList();

        var outcomes = await Task.WhenAll(requests).WaitAsync(StormBudget, TestToken);
        await Task.WhenAll(unloading).WaitAsync(StormBudget, TestToken);
        await host.Client.UnloadAsync(new UnloadRequest(), new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
        await host.Monitor.WaitUntilNoneAliveAsync(Bound);
        await stopWatching.CancelAsync();
        await watcher;
        var final = await host.Client.GetStateAsync(options: new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));

        var summary = string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Key}: {g.Count()}"))
            + $"; {host.Monitor.Spawned.Count} starts, at most {host.Monitor.MaxAlive} alive, {host.Monitor.Samples} samples, {clock.Elapsed.TotalSeconds:0.0} s";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Assert.True(clock.Elapsed < StormBudget, $"the storm took {clock.Elapsed} ({summary})");
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "granted", "cancelled", StatusCode.Aborted.ToString() }));
        Assert.Contains("granted", outcomes);
        Assert.Empty(host.Monitor.Violations);
        Assert.Empty(snapshotViolations);
        Assert.True(host.Monitor.Spawned.Count >= 3, $"only {host.Monitor.Spawned.Count} starts: the storm did not swap ({summary})");
        Assert.Empty(host.Monitor.AlivePids());
        Assert.All(final.Models, m => Assert.Equal((0u, 0u, ModelState.Stopped), (m.Queued, m.InFlightLeases, m.State)));
    }

    private static (TestConfig Config, Func<IReadOnlyCollection<string>, string?> Rule) Configure(string router, Random random)
    {
        var config = new TestConfig();
        foreach (var model in new[] { "a", "b", "c", "d" })
        {
            var flags = new List<string> { "--quiet", "--load-time", $"{random.Next(0, 150)}ms" };
            if (model == "d")
                flags.AddRange(["--sigterm", "delay:200ms"]);
            config.Model(model, [.. flags], $"concurrencyLimit: 40\nunloadTimeout: 1{(model is "a" or "c" ? "\nttl: 1" : "")}");
        }

        switch (router)
        {
            case "default":
                return (config, UpstreamMonitor.AtMost(1));
            case "groups":
                config.With("""
                    groups:
                      pair:
                        swap: false
                        exclusive: false
                        members: [a, b]
                      solo:
                        swap: true
                        exclusive: false
                        members: [c, d]
                    """);
                return (config, alive => alive.Contains("c") && alive.Contains("d") ? "c and d (one swap group) alive together" : null);
            case "matrix":
                config.With("""
                    matrix:
                      sets:
                        pair: "a & b"
                        c-alone: "c"
                        d-alone: "d"
                    """);
                return (config, alive => alive.Count <= 1 || alive.All(m => m is "a" or "b") ? null : $"[{string.Join(", ", alive.Order())}] is no allowed set");
            default:
                config.With("maxLoaded: 2");
                return (config, UpstreamMonitor.AtMost(2));
        }
    }

    /// <summary>Runs one request; its outcome is "granted", "cancelled" (the caller gave up while waiting) or a status.</summary>
    private static async Task<string> RunAsync(SupervisorTestHost host, Request request)
    {
        await Task.Delay(request.Arrival, TestToken);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        if (request.GiveUpAfter is { } patience)
            giveUp.CancelAfter(patience);
        try
        {
            await using var lease = await host.Client.AcquireAsync(new AcquireRequest { ModelId = request.Model }, null, new CallOptions(CancellationToken: giveUp.Token));
            if (request.CallUpstream)
            {
                using var http = UpstreamClient(lease.Ready.UpstreamBaseUrl);
                using var response = await http.GetAsync("/v1/models", TestToken);
                Assert.Equal(request.Model, response.Headers.GetValues("X-Simulator-Model").Single());
            }

            await Task.Delay(request.Hold, TestToken);
            return "granted";
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && giveUp.IsCancellationRequested && !TestToken.IsCancellationRequested)
        {
            return "cancelled";
        }
        catch (RpcException ex)
        {
            return ex.StatusCode.ToString();
        }
    }

    private static async Task UnloadAtAsync(SupervisorTestHost host, TimeSpan at, string model)
    {
        await Task.Delay(at, TestToken);
        await host.Client.UnloadAsync(new UnloadRequest { ModelIds = { model } }, new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
    }

    /// <summary>Checks the rule against the models the scheduler reports as occupying a slot (anything not stopped).</summary>
    private static async Task WatchSnapshotsAsync(SupervisorTestHost host, Func<IReadOnlyCollection<string>, string?> rule, List<string> violations, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in host.Scheduler.WatchAsync(cancellationToken))
            {
                var occupying = snapshot.Models.Where(m => m.State != SchedulerState.Stopped).Select(m => m.ModelId).ToList();
                if (rule(occupying) is { } violation)
                    violations.Add($"snapshot {snapshot.Version}: {violation}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed record Request(string Model, TimeSpan Arrival, TimeSpan Hold, TimeSpan? GiveUpAfter, bool CallUpstream)
    {
        public static Request Random(Random random, int index) => new(
            Model: ((char)('a' + random.Next(4))).ToString(),
            Arrival: TimeSpan.FromMilliseconds(random.Next(0, 2500)),
            Hold: TimeSpan.FromMilliseconds(random.Next(0, 120)),
            GiveUpAfter: random.Next(5) == 0 ? TimeSpan.FromMilliseconds(random.Next(0, 400)) : null,
            CallUpstream: index % 3 == 0);
    }
}

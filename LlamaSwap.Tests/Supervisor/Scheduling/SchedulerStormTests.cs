using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Scheduling;
using static LlamaSwap.Tests.Supervisor.Scheduling.TestConfigs;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>
/// Seeded random traffic against every router: arrivals, cancellations, lease lengths, TTLs, failed
/// and slow starts, slow stops, crashes, unloads and reloads. Judged from the fake processes' own
/// timeline: nothing hangs, nothing leaks, nobody is left waiting, and the router's limits hold.
/// Set LLAMASWAP_STORM_SEED to replay a failing seed.
/// </summary>
public sealed class SchedulerStormTests
{
    private const int ModelCount = 6;
    private static readonly TimeSpan RealTimeBudget = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan DrainBudget = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan MaxManualWait = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("default")]
    [InlineData("groups")]
    [InlineData("matrix")]
    [InlineData("maxLoaded")]
    public async Task RandomTrafficNeverHangsLeaksOrBreaksTheRoutersLimits(string router)
    {
        var seed = Environment.GetEnvironmentVariable("LLAMASWAP_STORM_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        TestContext.Current.TestOutputHelper?.WriteLine($"storm {router}: seed {seed}");
        var storm = new Storm(router, seed);
        try
        {
            await storm.RunAsync();
        }
        catch (Exception ex)
        {
            throw new StormFailedException(
                $"storm '{router}' failed with seed {seed} (LLAMASWAP_STORM_SEED={seed} replays it): {ex.Message}{Environment.NewLine}"
                + $"scheduler log: {string.Join(Environment.NewLine, storm.Log.Lines)}",
                ex);
        }
    }

    private sealed class StormFailedException(string message, Exception inner) : Exception(message, inner);

    private sealed class Storm
    {
        private readonly Random _random;
        private readonly Lock _randomGate = new();
        private readonly SchedulerHarness _h;
        private readonly LlamaSwapConfig _config;
        private readonly string[] _models = [.. Enumerable.Range(0, ModelCount).Select(i => $"m{i}")];
        private readonly List<Request> _requests = [];
        private readonly List<(Lease Lease, DateTimeOffset ReleaseAt)> _held = [];
        private readonly List<Task> _controls = [];
        private readonly HashSet<int> _crashed = [];
        private readonly HashSet<Lease> _revocable = [];
        private LlamaSwapConfig _current;
        private int _reloads;
        private TimeSpan _longestWait;

        public Storm(string router, int seed)
        {
            _random = new Random(seed);
            _config = Configure(router);
            _current = _config;
            // The fakes always finish; the scheduler's abandon safety net is tested on its own, and
            // here would only fire because this clock races far ahead of a busy thread pool.
            _h = new SchedulerHarness(_config, new SchedulerOptions { AbandonGrace = TimeSpan.FromDays(1) }, p =>
            {
                p.StartHook = StartAsync;
                p.StopHook = StopAsync;
            });
            _h.Processes.Timeline.Rule = RuleFor(router, _config.Routing);
        }

        public ListLogger<ModelScheduler> Log => _h.Log;

        public async Task RunAsync()
        {
            var clock = Stopwatch.StartNew();
            for (var step = 0; step < 6000 && clock.Elapsed < RealTimeBudget; step++)
            {
                await ActAsync();
                Collect();
                await Task.Yield();
            }

            await DrainAsync();
            var state = await _h.FlushAsync();
            Assert.Equal(0, state.QueueLength);
            Assert.All(state.Models, m => Assert.True(m.Leases == 0 && m.Waiting == 0, $"{m.ModelId}: leases={m.Leases} waiting={m.Waiting}"));
            await ShutdownAsync();

            Assert.True(_h.Processes.Timeline.Violations.IsEmpty, string.Join(Environment.NewLine, _h.Processes.Timeline.Violations));
            Assert.Empty(_h.Processes.Timeline.AliveModels);
            Assert.All(_h.Processes.Created, p => Assert.True(!p.IsAlive && p.IsDisposed, $"{p} leaked"));
            Assert.Equal(0, _h.Scheduler.LoopFaults);
            Assert.Contains(_requests, r => r.Outcome == "granted");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{_requests.Count} requests, {_h.Processes.Created.Length} starts, longest wait {_longestWait} of scheduler time; outcomes: "
                + string.Join(", ", _requests.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count()}")));
        }

        private async Task ActAsync()
        {
            var roll = Next(100);
            var model = _models[Next(ModelCount)];
            switch (roll)
            {
                case < 40:
                    Issue(model, cancellable: Next(5) == 0);
                    break;
                case < 60:
                    await AdvanceAsync(TimeSpan.FromMilliseconds(Next(800)));
                    break;
                case < 85:
                    ReleaseDue(early: Next(4) == 0);
                    break;
                case < 88:
                    var alive = _h.Processes.Created.Where(p => p.IsAlive).ToArray();
                    if (alive.Length > 0)
                    {
                        var victim = alive[Next(alive.Length)];
                        _crashed.Add(victim.Pid!.Value);
                        victim.Crash();
                    }

                    break;
                case < 90:
                    var hard = Next(2) == 0;
                    if (hard)
                        MayRevoke(m => m == model);
                    _controls.Add(Tolerate(_h.Scheduler.UnloadAsync([model], hard, SchedulerHarness.TestToken)));
                    break;
                case < 91 when Next(3) == 0:
                    MayRevoke(_ => true);
                    _controls.Add(_h.Scheduler.UnloadAsync(null, hard: true, SchedulerHarness.TestToken));
                    break;
                case < 93:
                    _controls.Add(_h.Scheduler.ApplyConfigAsync(Reload(), SchedulerHarness.TestToken));
                    break;
                default:
                    var cancellable = _requests.Where(r => r.Cancellation is not null && !r.Task.IsCompleted).ToArray();
                    if (cancellable.Length > 0)
                        cancellable[Next(cancellable.Length)].Cancellation!.Cancel();
                    break;
            }
        }

        /// <summary>Moves scheduler time only once the loop has caught up, so waits measured in it mean something.</summary>
        private async Task AdvanceAsync(TimeSpan by)
        {
            await _h.FlushAsync();
            await Task.Yield();
            _h.Time.Advance(by);
        }

        private void Issue(string model, bool cancellable)
        {
            var cancellation = cancellable ? CancellationTokenSource.CreateLinkedTokenSource(SchedulerHarness.TestToken) : null;
            var task = cancellation is null ? _h.Acquire(model) : _h.AcquireCancellable(model, cancellation);
            _requests.Add(new Request(model, task, cancellation, _h.Time.GetUtcNow()));
        }

        /// <summary>Takes the answers that came in: leases are held for a random while, errors must be expected ones.</summary>
        private void Collect()
        {
            foreach (var request in _requests.Where(r => r.Outcome is null && r.Task.IsCompleted))
            {
                var waited = _h.Time.GetUtcNow() - request.IssuedAt;
                _longestWait = waited > _longestWait ? waited : _longestWait;
                Assert.True(waited <= MaxManualWait, $"request for {request.Model} waited {waited} of scheduler time");
                if (request.Task.IsCompletedSuccessfully)
                {
                    var lease = request.Task.Result;
                    Assert.Equal(request.Model, lease.ModelId);
                    _held.Add((lease, _h.Time.GetUtcNow() + TimeSpan.FromMilliseconds(Next(5000))));
                    if (request.Revocable)
                        _revocable.Add(lease);
                    request.Outcome = "granted";
                }
                else
                {
                    var error = request.Task.Exception?.InnerException ?? new OperationCanceledException();
                    Assert.True(
                        error is ModelOverCapacityException or ModelStartFailedException or ModelUnloadedException or UnknownModelException
                            || (error is OperationCanceledException && request.Cancellation is not null),
                        $"request for {request.Model} failed unexpectedly: {error}");
                    request.Outcome = error.GetType().Name;
                }

                request.Cancellation?.Dispose();
            }
        }

        /// <summary>
        /// A hard unload may end the leases held now and those of requests still pending (they may have
        /// been granted before the loop handles the unload); nothing granted later.
        /// </summary>
        private void MayRevoke(Func<string, bool> model)
        {
            _revocable.UnionWith(_held.Where(l => model(l.Lease.ModelId)).Select(l => l.Lease));
            foreach (var request in _requests.Where(r => r.Outcome is null && model(r.Model)))
                request.Revocable = true;
        }

        private void ReleaseDue(bool early)
        {
            foreach (var (lease, _) in _held.Where(l => l.Lease.Revoked.IsCancellationRequested))
            {
                // Work in flight ends only when its process died or an operator asked for a hard unload.
                Assert.True(
                    _crashed.Contains(lease.Pid!.Value) || _revocable.Contains(lease),
                    $"a lease on {lease.ModelId} (pid {lease.Pid}) was ended without a crash or hard unload");
            }

            var now = _h.Time.GetUtcNow();
            foreach (var held in _held.Where(l => early || l.ReleaseAt <= now).ToArray())
            {
                held.Lease.Dispose();
                _held.Remove(held);
            }
        }

        /// <summary>No new traffic: release everything and let time run until every request and unload is answered.</summary>
        private async Task DrainAsync()
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                Collect();
                ReleaseDue(early: true);
                if (_requests.All(r => r.Outcome is not null) && _controls.All(t => t.IsCompleted))
                    break;
                Assert.True(
                    clock.Elapsed < DrainBudget,
                    $"hang: {_requests.Count(r => r.Outcome is null)} requests and {_controls.Count(t => !t.IsCompleted)} unloads or reloads "
                        + $"still waiting; {SchedulerHarness.Describe(_h.Scheduler.GetSnapshot())}");
                await AdvanceAsync(TimeSpan.FromMilliseconds(250));
            }

            await Task.WhenAll(_controls).Bounded();
        }

        private async Task ShutdownAsync()
        {
            var clock = Stopwatch.StartNew();
            var shutdown = _h.Scheduler.DisposeAsync().AsTask();
            while (!shutdown.IsCompleted)
            {
                Assert.True(clock.Elapsed < DrainBudget, "shutdown hung");
                _h.Time.Advance(TimeSpan.FromMilliseconds(250));
                await Task.Yield();
            }

            await shutdown;
            await _h.DisposeAsync();
        }

        /// <summary>A start that takes up to 3 s of scheduler time (the manual clock) and fails one time in ten.</summary>
        private async Task StartAsync(FakeUpstreamProcess process, CancellationToken cancellationToken)
        {
            var (delay, fail) = (Next(3000), Next(10) == 0);
            await Task.Delay(TimeSpan.FromMilliseconds(delay), _h.Time, cancellationToken);
            if (fail)
                throw new UpstreamStartException("random start failure");
        }

        /// <summary>A stop that takes up to its graceful window of scheduler time.</summary>
        private async Task StopAsync(FakeUpstreamProcess process, TimeSpan graceful, CancellationToken cancellationToken) =>
            await Task.Delay(TimeSpan.FromMilliseconds(Next((int)graceful.TotalMilliseconds + 1)), _h.Time, cancellationToken);

        /// <summary>Flips one model's command (a process change) and another's TTL; now and then drops or restores m5.</summary>
        private LlamaSwapConfig Reload()
        {
            _reloads++;
            var models = _current.Models;
            var changed = _models[Next(ModelCount - 1)];
            models = models.SetItem(changed, models[changed] with { Cmd = $"fake-server --model {changed} --reload {_reloads}" });
            var ttl = _models[Next(ModelCount - 1)];
            models = models.SetItem(ttl, models[ttl] with { Ttl = Next(2) == 0 ? null : TimeSpan.FromSeconds(1 + Next(20)) });
            if (Next(3) == 0)
                models = models.ContainsKey("m5") ? models.Remove("m5") : models.Add("m5", _config.Models["m5"]);
            _current = _current with { Models = models };
            return _current;
        }

        private int Next(int max)
        {
            lock (_randomGate)
                return _random.Next(max);
        }

        private LlamaSwapConfig Configure(string router)
        {
            var routing = router switch
            {
                "default" => new RoutingConfig(),
                "groups" => new RoutingConfig
                {
                    Groups =
                    [
                        new GroupConfig { Id = "swapping", Members = ["m0", "m1"] },
                        new GroupConfig { Id = "side", Swap = false, Exclusive = false, Members = ["m2", "m3"] },
                        new GroupConfig { Id = "forever", Swap = false, Exclusive = false, Persistent = true, Members = ["m4"] },
                    ],
                },
                "matrix" => new RoutingConfig
                {
                    Router = RouterKind.Matrix,
                    Matrix = MatrixPlannerTests.Matrix("s1=m0+m1; s2=m1+m2|m1+m3; s3=m4+m5+m2", "m0=3"),
                },
                "maxLoaded" => new RoutingConfig { Router = RouterKind.MaxLoaded, MaxLoaded = 3 },
                _ => throw new ArgumentOutOfRangeException(nameof(router)),
            };
            routing = routing with
            {
                StarvationBound = TimeSpan.FromSeconds(10),
                Priorities = ImmutableDictionary.CreateRange([KeyValuePair.Create("m5", 1)]),
            };
            var models = _models.Select(id => Model(id) with
            {
                Ttl = Next(2) == 0 ? null : TimeSpan.FromSeconds(1 + Next(20)),
                UnloadTimeout = TimeSpan.FromSeconds(2),
                HealthCheckTimeout = TimeSpan.FromSeconds(20),
                ConcurrencyLimit = 4,
            });
            return Config(routing, [.. models]);
        }

        /// <summary>The router's limit, written from the documentation rather than from the planners.</summary>
        private static Func<IReadOnlyCollection<string>, string, string?> RuleFor(string router, RoutingConfig routing) => router switch
        {
            "default" => (alive, _) => alive.Count == 0 ? null : "one model at a time",
            "maxLoaded" => (alive, _) => alive.Count < routing.MaxLoaded ? null : $"more than {routing.MaxLoaded} loaded",
            "matrix" => (alive, starting) =>
            {
                if (alive.Count == 0)
                    return null;
                var together = alive.Append(starting).ToHashSet();
                return routing.Matrix!.Sets.SelectMany(s => s.Expansions).Any(e => together.IsSubsetOf(e))
                    ? null
                    : "no matrix set allows these together";
            },
            // A pair may run together when whichever was decided second does not evict the other: a
            // member of a non-exclusive group may start beside an exclusive group (kept from llama-swap),
            // and may spawn before a swap decided earlier finishes its evictions. The timeline cannot see
            // decision order, so only pairs that evict each other either way are violations.
            "groups" => (alive, starting) =>
            {
                GroupConfig Of(string m) => routing.Groups.FirstOrDefault(g => g.Members.Contains(m)) ?? new GroupConfig { Id = GroupConfig.DefaultGroupId };
                bool Evicts(GroupConfig target, GroupConfig running) =>
                    target.Id == running.Id ? target.Swap : target.Exclusive && !running.Persistent;
                var other = alive.FirstOrDefault(m => Evicts(Of(starting), Of(m)) && Evicts(Of(m), Of(starting)));
                return other is null ? null : $"{starting} and {other} exclude each other";
            },
            _ => throw new ArgumentOutOfRangeException(nameof(router)),
        };

        /// <summary>Single-model unloads may name a model a reload just removed.</summary>
        private static async Task Tolerate(Task unload)
        {
            try
            {
                await unload;
            }
            catch (UnknownModelException)
            {
            }
        }

        private sealed class Request(string model, Task<Lease> task, CancellationTokenSource? cancellation, DateTimeOffset issuedAt)
        {
            public string Model { get; } = model;
            public Task<Lease> Task { get; } = task;
            public CancellationTokenSource? Cancellation { get; } = cancellation;
            public DateTimeOffset IssuedAt { get; } = issuedAt;
            public string? Outcome { get; set; }
            public bool Revocable { get; set; }
        }
    }
}

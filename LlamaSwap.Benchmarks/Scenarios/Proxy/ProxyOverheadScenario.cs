using System.Diagnostics;
using LlamaSwap.Benchmarks.Harness;
using LlamaSwap.Benchmarks.Reporting;

namespace LlamaSwap.Benchmarks.Scenarios.Proxy;

/// <summary>
/// Proxy overhead, side by side: the same two simulators reached through each target. Every
/// measurement runs in rounds that visit the targets in turn, so a change in the machine's
/// background load hits them all alike instead of whichever happened to run then.
/// </summary>
internal sealed class ProxyOverheadScenario(BenchmarkProfile profile, RuntimeProbe probe, TextWriter log)
{
    public async Task<List<ProxyTargetResult>> RunAsync(IReadOnlyList<ProxyTarget> targets, string fastModel, string pacedModel, CancellationToken cancellationToken)
    {
        var fastBody = ChatClient.Body(fastModel, stream: false);
        var refused = new Dictionary<ProxyTarget, string>();
        foreach (var target in targets.Where(t => t.Available))
        {
            if (await target.Client.ProbeAsync(target.FastUrl!, fastBody, cancellationToken) is { } problem)
            {
                refused[target] = problem;
            }
        }

        var live = targets.Where(t => t.Available && !refused.ContainsKey(t)).ToList();
        var idle = live.SelectMany(t => t.Processes).DistinctBy(p => p.Pid).ToDictionary(p => p.Pid, p => ProcFs.ResidentBytes(p.Pid) ?? 0);
        var fastStreamBody = ChatClient.Body(fastModel, stream: true);
        var pacedStreamBody = ChatClient.Body(pacedModel, stream: true);

        foreach (var target in live)
        {
            // Long enough for every process on the path to finish tiered compilation: the first
            // seconds of a .NET server run unoptimised code and would be charged to whoever went first.
            log.WriteLine($"proxy: warming up {target.Name}");
            LoadOperation operation = ct => target.Client.CompleteAsync(target.FastUrl!, fastBody, ct);
            var warm = await ClosedLoopLoad.RunForAsync(8, profile.Warmup * 2 / 3, operation, cancellationToken);
            var warmSequential = await ClosedLoopLoad.RunForAsync(1, profile.Warmup / 3, operation, cancellationToken);
            for (var i = 0; i < 5; i++)
            {
                _ = await target.Client.StreamAsync(target.FastUrl!, fastStreamBody, cancellationToken);
                _ = await target.Client.StreamAsync(target.PacedUrl!, pacedStreamBody, cancellationToken);
            }

            if (warm.Errors + warmSequential.Errors > 0)
            {
                throw new InvalidOperationException($"{target.Name}: {warm.Errors + warmSequential.Errors} warm-up requests failed");
            }
        }

        var accounts = live.ToDictionary(t => t, t => new Dictionary<string, List<ResourceAccount>>
        {
            [ProxyPhases.NonStreaming] = WithIdle(t.Accounts(probe), idle),
            [ProxyPhases.Streaming] = WithIdle(t.Accounts(probe), idle),
        });

        // Latency at concurrency 1.
        var latency = live.ToDictionary(t => t, _ => new List<long>());
        var latencyErrors = live.ToDictionary(t => t, _ => 0);
        for (var round = 0; round < profile.Rounds; round++)
        {
            foreach (var target in live)
            {
                log.WriteLine($"proxy: latency at concurrency 1, {target.Name}, round {round + 1}/{profile.Rounds}");
                var window = MeasuredWindow.Begin(accounts[target][ProxyPhases.NonStreaming]);
                var run = await ClosedLoopLoad.RunCountAsync(1, profile.LatencyRequests / profile.Rounds, ct => target.Client.CompleteAsync(target.FastUrl!, fastBody, ct), cancellationToken);
                window.End(run.Samples.Count + run.Errors);
                latency[target].AddRange(run.Samples);
                latencyErrors[target] += run.Errors;
            }
        }

        // Throughput, closed loop, at each concurrency.
        var throughput = live.ToDictionary(t => t, _ => new List<ThroughputPoint>());
        var slice = profile.ThroughputDuration / profile.Rounds;
        foreach (var concurrency in profile.Concurrencies)
        {
            var samples = live.ToDictionary(t => t, _ => new List<long>());
            var errors = live.ToDictionary(t => t, _ => 0);
            var elapsed = live.ToDictionary(t => t, _ => TimeSpan.Zero);
            for (var round = 0; round < profile.Rounds; round++)
            {
                foreach (var target in live)
                {
                    log.WriteLine($"proxy: throughput at concurrency {concurrency}, {target.Name}, round {round + 1}/{profile.Rounds}");
                    LoadOperation operation = ct => target.Client.CompleteAsync(target.FastUrl!, fastBody, ct);
                    await ClosedLoopLoad.RunForAsync(concurrency, profile.ThroughputWarmup, operation, cancellationToken);
                    var window = MeasuredWindow.Begin(accounts[target][ProxyPhases.NonStreaming]);
                    var run = await ClosedLoopLoad.RunForAsync(concurrency, slice, operation, cancellationToken);
                    window.End(run.Samples.Count + run.Errors);
                    samples[target].AddRange(run.Samples);
                    errors[target] += run.Errors;
                    elapsed[target] += run.Elapsed;
                }
            }

            foreach (var target in live)
            {
                throughput[target].Add(new ThroughputPoint(concurrency, Math.Round(samples[target].Count / elapsed[target].TotalSeconds, 1),
                    samples[target].Count, errors[target], LatencySummary.FromTicks(samples[target])));
            }
        }

        // Streaming: time to first byte (fast upstream), chunk arrival (paced upstream), event counts.
        var ttfb = live.ToDictionary(t => t, _ => new List<long>());
        var fastEvents = live.ToDictionary(t => t, _ => new List<int>());
        var pacedArrival = live.ToDictionary(t => t, _ => new List<double>());
        var pacedEvents = live.ToDictionary(t => t, _ => new List<int>());
        var streamErrors = live.ToDictionary(t => t, _ => 0);
        for (var round = 0; round < profile.Rounds; round++)
        {
            foreach (var target in live)
            {
                log.WriteLine($"proxy: streaming, {target.Name}, round {round + 1}/{profile.Rounds}");
                var window = MeasuredWindow.Begin(accounts[target][ProxyPhases.Streaming]);
                var streams = 0;
                for (var i = 0; i < profile.FastStreams / profile.Rounds; i++, streams++)
                {
                    if (await target.Client.StreamAsync(target.FastUrl!, fastStreamBody, cancellationToken) is { } timing)
                    {
                        ttfb[target].Add(timing.TimeToFirstByte);
                        fastEvents[target].Add(timing.Events.Count);
                    }
                    else
                    {
                        streamErrors[target]++;
                    }
                }

                for (var i = 0; i < Math.Max(1, profile.PacedStreams / profile.Rounds); i++, streams++)
                {
                    if (await target.Client.StreamAsync(target.PacedUrl!, pacedStreamBody, cancellationToken) is { } timing)
                    {
                        pacedArrival[target].Add(timing.MeanEventArrival);
                        pacedEvents[target].Add(timing.Events.Count);
                    }
                    else
                    {
                        streamErrors[target]++;
                    }
                }

                window.End(streams);
            }
        }

        var results = new List<ProxyTargetResult>();
        foreach (var target in targets)
        {
            if (!target.Available || refused.ContainsKey(target))
            {
                results.Add(new ProxyTargetResult(target.Name, refused.GetValueOrDefault(target) ?? target.Status));
                continue;
            }

            results.Add(new ProxyTargetResult(target.Name, latencyErrors[target] == 0 ? target.Status : $"{target.Status}; {latencyErrors[target]} latency requests failed")
            {
                Latency = LatencySummary.FromTicks(latency[target]),
                Throughput = throughput[target],
                Streaming = new StreamingResult(
                    LatencySummary.FromTicks(ttfb[target]), ttfb[target].Count, MinOrZero(fastEvents[target]), MaxOrZero(fastEvents[target]),
                    pacedArrival[target].Count, Median(pacedArrival[target]), MinOrZero(pacedEvents[target]), MaxOrZero(pacedEvents[target]),
                    streamErrors[target]),
                Resources = [.. accounts[target].SelectMany(phase => phase.Value.Select(a => ProcessResources.From(target.Name, phase.Key, a)))],
            });
        }

        return results;
    }

    private static List<ResourceAccount> WithIdle(List<ResourceAccount> accounts, Dictionary<int, long> idle)
    {
        foreach (var account in accounts)
        {
            account.IdleRssBytes = idle.GetValueOrDefault(account.Pid);
        }

        return accounts;
    }

    private static int MinOrZero(List<int> values) => values.Count == 0 ? 0 : values.Min();

    private static int MaxOrZero(List<int> values) => values.Count == 0 ? 0 : values.Max();

    /// <summary>Median of per-stream mean arrival times, in microseconds.</summary>
    private static double Median(List<double> ticks)
    {
        if (ticks.Count == 0)
        {
            return 0;
        }

        var sorted = ticks.Order().ToArray();
        return LatencySummary.Micros(sorted[(sorted.Length - 1) / 2]);
    }
}

using System.Diagnostics;

namespace LlamaSwap.Benchmarks.Harness;

/// <summary>One request of a load run: true when it succeeded, false when it failed (counted, not timed).</summary>
internal delegate ValueTask<bool> LoadOperation(CancellationToken cancellationToken);

/// <summary>
/// Closed-loop load: each worker sends its next request as soon as its previous one has been
/// answered in full, so concurrency is exact and throughput is what the server sustains at it.
/// Every request is timed with <see cref="Stopwatch.GetTimestamp"/>.
/// </summary>
internal static class ClosedLoopLoad
{
    /// <summary>Runs <paramref name="concurrency"/> workers for <paramref name="duration"/>.</summary>
    public static async Task<LoadRun> RunForAsync(int concurrency, TimeSpan duration, LoadOperation operation, CancellationToken cancellationToken)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return await RunAsync(concurrency, (_, now) => now < stopAt, operation, cancellationToken);
    }

    /// <summary>Runs <paramref name="concurrency"/> workers until <paramref name="requests"/> requests were sent.</summary>
    public static async Task<LoadRun> RunCountAsync(int concurrency, int requests, LoadOperation operation, CancellationToken cancellationToken)
    {
        var issued = 0;
        return await RunAsync(concurrency, (_, _) => Interlocked.Increment(ref issued) <= requests, operation, cancellationToken);
    }

    private static async Task<LoadRun> RunAsync(int concurrency, Func<int, long, bool> another, LoadOperation operation, CancellationToken cancellationToken)
    {
        var samples = new List<long>[concurrency];
        var errors = new int[concurrency];
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var worker = w;
            samples[worker] = new List<long>(1024);
            workers[worker] = Task.Run(async () =>
            {
                while (another(worker, Stopwatch.GetTimestamp()))
                {
                    var begin = Stopwatch.GetTimestamp();
                    if (await operation(cancellationToken))
                    {
                        samples[worker].Add(Stopwatch.GetTimestamp() - begin);
                    }
                    else
                    {
                        errors[worker]++;
                    }
                }
            }, cancellationToken);
        }

        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = new List<long>(samples.Sum(s => s.Count));
        foreach (var s in samples)
        {
            all.AddRange(s);
        }

        return new LoadRun(all, errors.Sum(), elapsed);
    }
}

/// <summary>The timed successful requests of a run, the failed ones, and the wall time it took.</summary>
internal sealed record LoadRun(List<long> Samples, int Errors, TimeSpan Elapsed)
{
    public double RequestsPerSecond => Samples.Count / Elapsed.TotalSeconds;
}

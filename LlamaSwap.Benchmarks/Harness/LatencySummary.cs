using System.Diagnostics;

namespace LlamaSwap.Benchmarks.Harness;

/// <summary>
/// Percentiles of a set of durations, in microseconds, taken by nearest rank from the sorted
/// samples (no interpolation, no histogram buckets): p99 of 1000 samples is the 990th smallest.
/// </summary>
internal sealed record LatencySummary(int Count, double MeanUs, double MinUs, double P50Us, double P90Us, double P99Us, double MaxUs)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Summarises <see cref="Stopwatch"/> tick durations.</summary>
    public static LatencySummary FromTicks(IReadOnlyCollection<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return Empty;
        }

        var sorted = ticks.ToArray();
        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Length,
            Micros(sorted.Average(t => (double)t)),
            Micros(sorted[0]),
            Micros(Percentile(sorted, 50)),
            Micros(Percentile(sorted, 90)),
            Micros(Percentile(sorted, 99)),
            Micros(sorted[^1]));
    }

    /// <summary>Nearest-rank percentile of ascending <paramref name="sorted"/> values.</summary>
    public static long Percentile(long[] sorted, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Length);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Micros(double ticks) => Math.Round(ticks * 1_000_000 / Stopwatch.Frequency, 1);
}

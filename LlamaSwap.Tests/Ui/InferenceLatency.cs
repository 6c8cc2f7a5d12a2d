using System.Diagnostics;

namespace LlamaSwap.Tests.Ui;

/// <summary>Median wall time of sequential requests, after a warm-up, for before/after comparisons.</summary>
internal static class InferenceLatency
{
    public static async Task<TimeSpan> MedianAsync(Func<Task> request, int count, int warmUp = 2)
    {
        for (var i = 0; i < warmUp; i++)
            await request();
        var samples = new List<TimeSpan>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await request();
            samples.Add(clock.Elapsed);
        }
        samples.Sort();
        return samples[count / 2];
    }

    /// <summary>
    /// A loaded 2-core machine jitters by tens of milliseconds; a UI stream that blocked inference
    /// would add seconds (or hang), so half again the baseline plus 100 ms separates the two.
    /// </summary>
    public static TimeSpan Tolerance(TimeSpan baseline) => baseline * 1.5 + TimeSpan.FromMilliseconds(100);
}

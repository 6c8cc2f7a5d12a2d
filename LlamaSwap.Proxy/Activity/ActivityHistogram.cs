using System.Text.Json.Serialization;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// A speed distribution for the stats panel: equal-width bins (Sturges' rule, clamped to 5–20; one bin of width
/// 0 when every value is the same) and linearly interpolated p50/p95/p99.
/// </summary>
internal sealed record ActivityHistogram(
    [property: JsonPropertyName("bins")] IReadOnlyList<int> Bins,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("binSize")] double BinSize,
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p95")] double P95,
    [property: JsonPropertyName("p99")] double P99)
{
    public const int MinBins = 5;
    public const int MaxBins = 20;

    /// <returns>Null when there are no values.</returns>
    public static ActivityHistogram? From(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
            return null;

        var sorted = values.Order().ToArray();
        double min = sorted[0], max = sorted[^1];
        double p50 = Percentile(sorted, 50), p95 = Percentile(sorted, 95), p99 = Percentile(sorted, 99);
        if (min == max)
            return new ActivityHistogram([sorted.Length], min, max, 0, p50, p95, p99);

        var binCount = Math.Clamp((int)Math.Ceiling(Math.Log2(sorted.Length)) + 1, MinBins, MaxBins);
        var binSize = (max - min) / binCount;
        var bins = new int[binCount];
        foreach (var value in sorted)
            bins[Math.Min((int)Math.Floor((value - min) / binSize), binCount - 1)]++;
        return new ActivityHistogram(bins, min, max, binSize, p50, p95, p99);
    }

    internal static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 1)
            return sorted[0];
        var rank = p / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
    }
}

internal sealed record ActivityStats(
    [property: JsonPropertyName("total_requests")] int TotalRequests,
    [property: JsonPropertyName("total_input_tokens")] long TotalInputTokens,
    [property: JsonPropertyName("total_output_tokens")] long TotalOutputTokens,
    [property: JsonPropertyName("total_cache_tokens")] long TotalCacheTokens,
    [property: JsonPropertyName("prompt_histogram")] ActivityHistogram? PromptHistogram,
    [property: JsonPropertyName("gen_histogram")] ActivityHistogram? GenerationHistogram);

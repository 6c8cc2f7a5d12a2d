using LlamaSwap.Proxy.Activity;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class ActivityHistogramTests
{
    [Fact]
    public void NoValuesGiveNoHistogram() => Assert.Null(ActivityHistogram.From([]));

    [Fact]
    public void OneDistinctValueIsOneBinOfWidthZero()
    {
        var histogram = ActivityHistogram.From([42.0, 42.0, 42.0])!;

        Assert.Equal([3], histogram.Bins);
        Assert.Equal((42.0, 42.0, 0.0), (histogram.Min, histogram.Max, histogram.BinSize));
        Assert.Equal((42.0, 42.0, 42.0), (histogram.P50, histogram.P95, histogram.P99));
    }

    [Fact]
    public void FewValuesGetAtLeastFiveBinsAndInterpolatedPercentiles()
    {
        var histogram = ActivityHistogram.From([10.0, 20.0, 30.0, 40.0])!;

        // Sturges: ceil(log2 4) + 1 = 3, raised to the minimum of 5 bins of (40-10)/5 = 6.
        Assert.Equal([1, 1, 0, 1, 1], histogram.Bins);
        Assert.Equal(6.0, histogram.BinSize);
        Assert.Equal(25.0, histogram.P50);
        Assert.Equal(38.5, histogram.P95, 9);
        Assert.Equal(39.7, histogram.P99, 9);
    }

    [Fact]
    public void ManyValuesAreCappedAtTwentyBinsAndTheMaximumFallsInTheLastBin()
    {
        var values = Enumerable.Range(1, 2000).Select(i => (double)i).ToArray();

        var histogram = ActivityHistogram.From(values)!;

        Assert.Equal(12, histogram.Bins.Count); // ceil(log2 2000) + 1
        Assert.Equal(values.Length, histogram.Bins.Sum());
        Assert.Equal(1000.5, histogram.P50, 9);

        var huge = ActivityHistogram.From(Enumerable.Range(0, 1 << 19).Select(i => (double)i).ToArray())!;
        Assert.Equal(20, huge.Bins.Count);
        Assert.True(huge.Bins[^1] > 0);
    }
}

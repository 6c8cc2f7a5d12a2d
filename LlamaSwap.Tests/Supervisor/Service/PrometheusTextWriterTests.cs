using LlamaSwap.Supervisor.Metrics;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void LabelValuesEscapeBackslashDoubleQuoteAndLineFeed()
    {
        var family = new PrometheusFamily("x", PrometheusType.Gauge, "h", [PrometheusSample.Of(1, ("name", "a\\b\"c\nd"), ("plain", "ok"))]);

        var text = PrometheusTextWriter.ToText([family]);

        Assert.Equal("# HELP x h\n# TYPE x gauge\nx{name=\"a\\\\b\\\"c\\nd\",plain=\"ok\"} 1\n", text);
    }

    [Fact]
    public void HelpEscapesBackslashAndLineFeedButNotQuotes()
    {
        Assert.Equal("a \\\\ \"b\"\\nc", PrometheusTextWriter.EscapeHelp("a \\ \"b\"\nc"));
    }

    [Fact]
    public void AHistogramIsCumulativeBucketsEndingWithInfThenSumAndCount()
    {
        var histogram = new PrometheusHistogram([0.1, 1, 10], [2, 0, 3, 1], Sum: 21.5, Count: 6);
        var family = new PrometheusFamily("req_seconds", PrometheusType.Histogram, "Request time.",
            [new PrometheusSample([KeyValuePair.Create("model", "m")], 6, histogram)]);

        var lines = PrometheusTextWriter.ToText([family]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
        [
            "# HELP req_seconds Request time.",
            "# TYPE req_seconds histogram",
            "req_seconds_bucket{model=\"m\",le=\"0.1\"} 2",
            "req_seconds_bucket{model=\"m\",le=\"1\"} 2",
            "req_seconds_bucket{model=\"m\",le=\"10\"} 5",
            "req_seconds_bucket{model=\"m\",le=\"+Inf\"} 6",
            "req_seconds_sum{model=\"m\"} 21.5",
            "req_seconds_count{model=\"m\"} 6",
        ],
        lines);
    }

    [Fact]
    public void AHistogramWithoutLabelsHasOnlyTheLeLabel()
    {
        var family = new PrometheusFamily("h", PrometheusType.Histogram, "", [new PrometheusSample([], 1, new PrometheusHistogram([1], [1, 0], 0.5, 1))]);

        var text = PrometheusTextWriter.ToText([family]);

        Assert.Contains("h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\nh_count 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CountersAndSeveralFamiliesKeepTheirOrderAndType()
    {
        var text = PrometheusTextWriter.ToText(
        [
            new PrometheusFamily("b_total", PrometheusType.Counter, "B.", [PrometheusSample.Of(3)]),
            new PrometheusFamily("a", PrometheusType.Gauge, "A.", [PrometheusSample.Of(0.25, ("k", "1")), PrometheusSample.Of(-2, ("k", "2"))]),
        ]);

        Assert.Equal("# HELP b_total B.\n# TYPE b_total counter\nb_total 3\n# HELP a A.\n# TYPE a gauge\na{k=\"1\"} 0.25\na{k=\"2\"} -2\n", text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(123456789012.0, "123456789012")]
    [InlineData(0.1, "0.1")]
    public void ValuesUseInvariantShortestForms(double value, string expected)
    {
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));
    }
}

using System.Diagnostics.Metrics;
using LlamaSwap.Supervisor.Metrics;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class SupervisorMeterCollectorTests
{
    // A meter name of its own, so instruments of Supervisors running in other tests never mix in.
    private readonly string _name = $"LlamaSwap.Tests.Meter.{Guid.NewGuid():N}";

    [Fact]
    public void CountersSumPerTagSetAndSortTheirLabels()
    {
        using var collector = new SupervisorMeterCollector(_name);
        using var meter = new Meter(_name);
        var counter = meter.CreateCounter<long>("test.calls", "{call}", "Calls.");

        counter.Add(2, new("z", "1"), new("a.b", "x"));
        counter.Add(3, new("a.b", "x"), new("z", "1"));
        counter.Add(1, new KeyValuePair<string, object?>("a.b", "y"));

        var family = Assert.Single(collector.Collect());
        Assert.Equal("test_calls_total", family.Name);
        Assert.Equal(PrometheusType.Counter, family.Type);
        Assert.Equal("Calls.", family.Help);
        Assert.Equal(
            ["a_b=x,z=1:5", "a_b=y:1"],
            family.Samples.Select(s => string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")) + ":" + s.Value));
    }

    [Fact]
    public void HistogramsInSecondsCountIntoSecondsBuckets()
    {
        using var collector = new SupervisorMeterCollector(_name);
        using var meter = new Meter(_name);
        var histogram = meter.CreateHistogram<double>("test.duration", "s");

        foreach (var value in new[] { 0.001, 0.2, 0.2, 3, 1000 })
            histogram.Record(value);

        var sample = Assert.Single(Assert.Single(collector.Collect()).Samples);
        var buckets = sample.Histogram!;
        Assert.Equal(SupervisorMeterCollector.SecondsBounds, buckets.Bounds);
        Assert.Equal(5, buckets.Count);
        Assert.Equal(1003.401, buckets.Sum, 6);
        Assert.Equal(1, buckets.Counts[0]);
        Assert.Equal(2, buckets.Counts[buckets.Bounds.IndexOf(0.25)]);
        Assert.Equal(1, buckets.Counts[buckets.Bounds.IndexOf(5)]);
        Assert.Equal(1, buckets.Counts[^1]);
        Assert.Equal(buckets.Bounds.Length + 1, buckets.Counts.Length);
    }

    [Fact]
    public void ObservableGaugesShowOnlyWhatTheyReportAtCollection()
    {
        using var collector = new SupervisorMeterCollector(_name);
        using var meter = new Meter(_name);
        var models = new List<string> { "a", "b" };
        meter.CreateObservableGauge("test.ready", () => models.Select(m => new Measurement<int>(1, new KeyValuePair<string, object?>("model", m))));
        var queue = meter.CreateUpDownCounter<int>("test.queue");
        queue.Add(3);
        queue.Add(-1);

        var first = collector.Collect();
        models.Remove("a");
        var second = collector.Collect();

        Assert.Equal(["a", "b"], first.Single(f => f.Name == "test_ready").Samples.Select(s => s.Labels[0].Value));
        Assert.Equal(["b"], second.Single(f => f.Name == "test_ready").Samples.Select(s => s.Labels[0].Value));
        Assert.Equal(2, second.Single(f => f.Name == "test_queue").Samples.Single().Value);
        Assert.Equal(PrometheusType.Gauge, second.Single(f => f.Name == "test_queue").Type);
    }

    [Fact]
    public void InstrumentsOfTheSameNameFromTwoMetersShareOneFamilyAndOtherMetersAreIgnored()
    {
        using var collector = new SupervisorMeterCollector(_name);
        using var one = new Meter(_name);
        using var two = new Meter(_name);
        using var other = new Meter(_name + ".other");
        one.CreateCounter<int>("test.events").Add(1);
        two.CreateCounter<int>("test.events").Add(2);
        other.CreateCounter<int>("test.events").Add(100);

        var family = Assert.Single(collector.Collect());

        Assert.Equal(3, Assert.Single(family.Samples).Value);
    }
}

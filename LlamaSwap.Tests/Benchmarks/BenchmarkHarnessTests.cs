using System.Diagnostics;
using LlamaSwap.Benchmarks.Cli;
using LlamaSwap.Benchmarks.Harness;
using LlamaSwap.Benchmarks.Reporting;

namespace LlamaSwap.Tests.Benchmarks;

public sealed class BenchmarkHarnessTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_of_the_sorted_samples()
    {
        // 1..1000 µs shuffled: p50 is the 500th smallest, p99 the 990th, whatever the order.
        var micros = Enumerable.Range(1, 1000).OrderBy(i => (i * 7919) % 1000).ToArray();
        var summary = LatencySummary.FromTicks([.. micros.Select(us => us * Stopwatch.Frequency / 1_000_000)]);

        Assert.Equal(1000, summary.Count);
        Assert.Equal(500, summary.P50Us);
        Assert.Equal(900, summary.P90Us);
        Assert.Equal(990, summary.P99Us);
        Assert.Equal(1, summary.MinUs);
        Assert.Equal(1000, summary.MaxUs);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(33, 5)]
    [InlineData(34, 7)]
    [InlineData(50, 7)]
    [InlineData(99, 9)]
    public void Percentile_of_few_samples_is_one_of_them(double percent, long expected)
    {
        Assert.Equal(expected, LatencySummary.Percentile([5, 7, 9], percent));
    }

    [Fact]
    public void Validation_reports_a_proxy_that_changes_the_number_of_stream_events()
    {
        var results = new BenchmarkResults(Run(), new ProxyResults([Target("direct", 19), Target("nginx", 19), Target("LlamaSwap", 18)], Setup()), null, null);

        var problem = Assert.Single(SmokeValidation.Problems(results));
        Assert.StartsWith("proxy/LlamaSwap: SSE events per stream", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_accepts_a_target_that_is_not_installed_but_not_one_that_produced_nothing()
    {
        var notInstalled = new BenchmarkResults(Run(), new ProxyResults([Target("direct", 19), new ProxyTargetResult("nginx", "not installed")], Setup()), null, null);
        var silent = new BenchmarkResults(Run(), new ProxyResults([Target("direct", 19), new ProxyTargetResult("nginx", "measured")], Setup()), null, null);

        Assert.Empty(SmokeValidation.Problems(notInstalled));
        Assert.Equal(["proxy/nginx: no numbers (measured)"], SmokeValidation.Problems(silent));
    }

    [Fact]
    public void Validation_requires_LlamaSwap_itself_to_be_measured()
    {
        var results = new BenchmarkResults(Run(), new ProxyResults([Target("direct", 19), new ProxyTargetResult("LlamaSwap", "not started: the AppHost exited")], Setup()), null, null);

        Assert.Equal(["proxy/LlamaSwap: no numbers (not started: the AppHost exited)"], SmokeValidation.Problems(results));
    }

    [Fact]
    public void Targets_compare_the_added_latency_with_direct_and_nginx()
    {
        var results = new BenchmarkResults(Run(), new ProxyResults([Target("direct", 19, p50: 100), Target("nginx", 19, p50: 200), Target("LlamaSwap", 19, p50: 400)], Setup()), null, null);

        var checks = TargetEvaluator.Evaluate(results).ToDictionary(c => c.Target);

        Assert.Equal("0.300 ms (nginx 0.100 ms)", checks["added latency p50, concurrency 1"].Measured);
        Assert.Equal("**missed**", checks["added latency p50, concurrency 1"].Outcome);
        Assert.Equal("0.300 ms vs 0.100 ms = 3.0×", checks["overhead vs nginx (added p50)"].Measured);
        Assert.Equal("not measured", checks["readiness noticed after the upstream is ready"].Outcome);
    }

    [Theory]
    [InlineData(new[] { "--smoke", "--only", "grpc" }, true, "Grpc", null)]
    [InlineData(new[] { "--out=results/x", "--no-install" }, false, "All", "results/x")]
    public void Command_line_is_parsed(string[] args, bool smoke, string only, string? output)
    {
        var options = BenchmarkOptions.Parse(args, out var error);

        Assert.Null(error);
        Assert.Equal(new BenchmarkOptions(smoke, output, Enum.Parse<ScenarioSelection>(only), MayInstall: !args.Contains("--no-install")), options);
    }

    [Theory]
    [InlineData(new[] { "--only", "everything" }, "--only must be proxy, swaps or grpc, not 'everything'")]
    [InlineData(new[] { "--out" }, "--out needs a directory")]
    [InlineData(new[] { "--fast" }, "unknown argument '--fast'")]
    public void Bad_command_lines_name_the_argument(string[] args, string expected)
    {
        Assert.Null(BenchmarkOptions.Parse(args, out var error));
        Assert.Equal(expected, error);
    }

    private static RunInfo Run() => new("smoke", DateTimeOffset.UnixEpoch, 1, "test", 2, "cpu", "Linux", ".NET", null, null, "0", "0", []);

    private static ProxySetup Setup() => new("fast", "paced", 1, 1, 1, 1, 1);

    private static ProxyTargetResult Target(string name, int events, double p50 = 100) => new(name, "measured")
    {
        Latency = new LatencySummary(1, p50, p50, p50, p50, p50 * 2, p50 * 2),
        Throughput = [new ThroughputPoint(64, 1000, 1000, 0, new LatencySummary(1, 1, 1, 1, 1, 1, 1))],
        Streaming = new StreamingResult(new LatencySummary(1, 1, 1, 1, 1, 1, 1), 1, events, events, 1, 1000, 35, 35, 0),
    };
}

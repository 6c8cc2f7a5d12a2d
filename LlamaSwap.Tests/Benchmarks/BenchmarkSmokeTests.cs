using LlamaSwap.Benchmarks;
using LlamaSwap.Benchmarks.Cli;
using LlamaSwap.Benchmarks.Reporting;

namespace LlamaSwap.Tests.Benchmarks;

/// <summary>
/// The benchmark's smoke mode, run in this process against real simulators, nginx (when
/// installed), the real gRPC server process and python3-grpcio: every scenario must still
/// produce numbers, so the benchmark cannot rot. Nothing about speed is asserted.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Smoke_run_measures_every_scenario_and_writes_both_result_files()
    {
        var output = Directory.CreateTempSubdirectory("llamaswap-bench-test-").FullName;
        try
        {
            var options = new BenchmarkOptions(Smoke: true, OutputDirectory: output, Only: ScenarioSelection.All, MayInstall: false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(RunLimit);
            var (results, problems) = await new BenchmarkRunner(options, TextWriter.Null).RunAsync(timeout.Token);

            Assert.Empty(problems);
            var proxy = Assert.IsType<ProxyResults>(results.Proxy);
            Assert.Equal([TargetEvaluator.Direct, TargetEvaluator.Nginx, TargetEvaluator.LlamaSwap], proxy.Targets.Select(t => t.Name));
            Assert.True(proxy.Targets[0].Measured);
            Assert.True(proxy.Targets[2].Measured, proxy.Targets[2].Status);
            var nginx = proxy.Targets[1];
            Assert.True(nginx.Measured || nginx.Status == "not installed", $"nginx: {nginx.Status}");
            var grpc = Assert.IsType<GrpcResults>(results.Grpc);
            Assert.True(grpc.OurUnary.P50Us > 0);
            Assert.Equal("measured", results.Swaps?.Status);
            Assert.NotNull(grpc.SupervisorAcquire);
            Assert.Equal(6, results.Targets.Count);

            var written = ResultsWriter.Read(Path.Combine(output, ResultsWriter.JsonFile));
            Assert.Equal(results.Proxy!.Targets[0].Latency, written.Proxy!.Targets[0].Latency);
            var markdown = await File.ReadAllTextAsync(Path.Combine(output, ResultsWriter.MarkdownFile), TestContext.Current.CancellationToken);
            Assert.Contains("## 1. Proxy overhead", markdown, StringComparison.Ordinal);
            Assert.Contains("## 2. Swaps", markdown, StringComparison.Ordinal);
            Assert.Contains("## 3. The gRPC link", markdown, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}

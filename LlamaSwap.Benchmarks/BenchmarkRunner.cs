using System.Diagnostics;
using System.Runtime.InteropServices;
using LlamaSwap.Benchmarks.Cli;
using LlamaSwap.Benchmarks.Harness;
using LlamaSwap.Benchmarks.Reporting;
using LlamaSwap.Benchmarks.Scenarios.Grpc;
using LlamaSwap.Benchmarks.Scenarios.Proxy;
using LlamaSwap.Benchmarks.Scenarios.Swaps;
using LlamaSwap.Benchmarks.Servers;
using LlamaSwap.Rpc;

namespace LlamaSwap.Benchmarks;

/// <summary>
/// One benchmark run: sets up the servers each scenario needs, runs the scenarios, evaluates
/// the targets, writes results.md and results.json, and (every run, smoke or full) checks that
/// every scenario produced numbers.
/// </summary>
internal sealed class BenchmarkRunner(BenchmarkOptions options, TextWriter log)
{
    /// <summary>The model id the as-fast-as-possible simulator is known by.</summary>
    public const string FastModel = "bench";

    /// <summary>The model id of the paced simulator: tokens arrive apart, so each chunk's forwarding shows.</summary>
    public const string PacedModel = "bench-paced";

    public const int FastTokens = 16;
    public const int PacedTokens = 32;
    public const double PacedTokensPerSecond = 500;

    public string OutputDirectory { get; } = options.OutputDirectory
        ?? (options.Smoke ? Path.Combine(Path.GetTempPath(), "llamaswap-bench-smoke") : DefaultResultsDirectory());

    public async Task<(BenchmarkResults Results, List<string> Problems)> RunAsync(CancellationToken cancellationToken)
    {
        var profile = options.Smoke ? BenchmarkProfile.Smoke : BenchmarkProfile.Full;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var loadAtStart = LoadAverage();
        var notes = new List<string>
        {
            $"The load generator runs in the benchmark process and every server in its own process, all on these {Environment.ProcessorCount} cores: "
            + "at concurrency 16 and 64 the client, the proxy and the simulator compete for the CPU, so those rows are CPU-bound for every target and compare CPU cost per request rather than proxy latency.",
        };

        var probeDirectory = Directory.CreateTempSubdirectory("llamaswap-bench-probe-").FullName;
        var probe = new RuntimeProbe(probeDirectory);
        try
        {
            var (pythonVersion, pythonProblem) = options.Runs(ScenarioSelection.Grpc)
                ? await PythonGrpcClient.ProbeAsync(cancellationToken)
                : (null, "not run");
            string? nginxVersion = null;

            ProxyResults? proxy = null;
            if (options.Runs(ScenarioSelection.Proxy))
            {
                var nginxProblem = await NginxServer.EnsureInstalledAsync(options.MayInstall, log, cancellationToken);
                nginxVersion = nginxProblem is null ? NginxServer.Version() : null;
                proxy = await RunProxyAsync(profile, probe, nginxProblem, cancellationToken);
            }

            SwapResults? swaps = null;
            LatencySummary? acquire = null;
            LatencySummary? release = null;
            var acquireStatus = "not run";
            if (options.Runs(ScenarioSelection.Swaps) || options.Runs(ScenarioSelection.Grpc))
            {
                (swaps, acquire, release, acquireStatus) = await RunSwapsAsync(profile, cancellationToken);
                if (!options.Runs(ScenarioSelection.Swaps))
                {
                    swaps = null;
                }
            }

            GrpcResults? grpc = null;
            if (options.Runs(ScenarioSelection.Grpc))
            {
                grpc = await new GrpcScenario(profile, probe, log).RunAsync(pythonProblem, cancellationToken);
                grpc = grpc with { SupervisorAcquire = acquire, SupervisorRelease = release, SupervisorStatus = acquireStatus };
            }

            var run = new RunInfo(
                profile.Name, started, Math.Round(clock.Elapsed.TotalSeconds, 1), CommandLine(), Environment.ProcessorCount, CpuModel(), Kernel(),
                RuntimeInformation.FrameworkDescription, nginxVersion, pythonVersion, loadAtStart, LoadAverage(), notes);
            var results = new BenchmarkResults(run, proxy, swaps, grpc);
            results = results with { Targets = TargetEvaluator.Evaluate(results) };
            await ResultsWriter.WriteAsync(OutputDirectory, results, cancellationToken);
            return (results, SmokeValidation.Problems(results));
        }
        finally
        {
            Directory.Delete(probeDirectory, recursive: true);
        }
    }

    /// <summary>The swap scenario, which also times Acquire on a running model for the gRPC section.</summary>
    private async Task<(SwapResults Swaps, LatencySummary? Acquire, LatencySummary? Release, string AcquireStatus)> RunSwapsAsync(BenchmarkProfile profile, CancellationToken cancellationToken)
    {
        try
        {
            var (swaps, acquire, release) = await new SwapScenario(profile, log).RunAsync(
                // No probe here: the Supervisor's simulators would inherit it and start slower than the one timed directly.
                async (yaml, ct) => await LlamaSwapStack.StartAsync(yaml, probe: null, ct), cancellationToken);
            return (swaps, acquire, release, "measured");
        }
        catch (StackStartException ex)
        {
            return (new SwapResults("not started: " + ex.Message), null, null, "not started: " + ex.Message);
        }
        catch (RpcException ex)
        {
            var problem = $"the Supervisor's gRPC API failed: {ex.StatusCode} {ex.Status.Detail}";
            return (new SwapResults(problem), null, null, problem);
        }
    }

    private async Task<ProxyResults> RunProxyAsync(BenchmarkProfile profile, RuntimeProbe probe, string? nginxProblem, CancellationToken cancellationToken)
    {
        log.WriteLine("proxy: starting the simulators");
        await using var fast = await SimulatorServer.StartAsync(FastModel, 0, FastTokens, probe, cancellationToken);
        await using var paced = await SimulatorServer.StartAsync(PacedModel, PacedTokensPerSecond, PacedTokens, probe, cancellationToken);
        // The load generator is charged too, to show it is the same for every target and not what limits them.
        StartupHook.Start(probe.Directory);
        MeteredProcess[] simulators = [new("simulator", fast.Pid), new("simulator (paced)", paced.Pid), new("load generator", Environment.ProcessId)];

        var targets = new List<ProxyTarget> { ProxyTarget.Reachable(TargetEvaluator.Direct, fast.BaseUrl, paced.BaseUrl, simulators) };
        await using var nginx = nginxProblem is null ? await NginxServer.StartAsync([fast.Port, paced.Port], cancellationToken) : null;
        if (nginx is null)
        {
            targets.Add(ProxyTarget.Unavailable(TargetEvaluator.Nginx, nginxProblem!));
        }
        else
        {
            var workers = nginx.WorkerPids.Select((pid, i) => new MeteredProcess($"nginx worker {i + 1}", pid));
            targets.Add(ProxyTarget.Reachable(TargetEvaluator.Nginx,
                $"http://127.0.0.1:{nginx.ListenPortByUpstreamPort[fast.Port]}", $"http://127.0.0.1:{nginx.ListenPortByUpstreamPort[paced.Port]}",
                [new MeteredProcess("nginx master", nginx.Pid), .. workers, .. simulators]));
        }

        log.WriteLine("proxy: starting LlamaSwap");
        var (stack, stackProblem) = await TryStartStackAsync(ProxyModels(fast.Port, paced.Port), probe, cancellationToken);
        await using var _ = stack;
        targets.Add(stack is null
            ? ProxyTarget.Unavailable(TargetEvaluator.LlamaSwap, stackProblem!)
            : ProxyTarget.Reachable(TargetEvaluator.LlamaSwap, stack.ProxyBaseUrl, stack.ProxyBaseUrl, [.. stack.Processes, .. simulators]));

        // Diagnosis, full runs only: the same stack without the per-request log line and without
        // OpenTelemetry, to tell what those cost from what the forwarding path itself costs.
        LlamaSwapStack? quiet = null;
        if (stack is not null && profile.Diagnostics)
        {
            log.WriteLine("proxy: starting LlamaSwap without request log and telemetry");
            (quiet, var quietProblem) = await TryStartStackAsync(ProxyModels(fast.Port, paced.Port), probe, cancellationToken, QuietEnvironment);
            targets.Add(quiet is null
                ? ProxyTarget.Unavailable(TargetEvaluator.LlamaSwapQuiet, quietProblem!)
                : ProxyTarget.Reachable(TargetEvaluator.LlamaSwapQuiet, quiet.ProxyBaseUrl, quiet.ProxyBaseUrl, [.. quiet.Processes, .. simulators]));
        }

        await using var __ = quiet;

        LlamaSwapStack? uncaptured = null;
        if (stack is not null && profile.Diagnostics)
        {
            log.WriteLine("proxy: starting LlamaSwap without request/response captures");
            (uncaptured, var uncapturedProblem) = await TryStartStackAsync(ProxyModels(fast.Port, paced.Port, captureBuffer: 0), probe, cancellationToken);
            targets.Add(uncaptured is null
                ? ProxyTarget.Unavailable(TargetEvaluator.LlamaSwapNoCaptures, uncapturedProblem!)
                : ProxyTarget.Reachable(TargetEvaluator.LlamaSwapNoCaptures, uncaptured.ProxyBaseUrl, uncaptured.ProxyBaseUrl, [.. uncaptured.Processes, .. simulators]));
        }

        await using var ___ = uncaptured;

        try
        {
            var measured = await new ProxyOverheadScenario(profile, probe, log).RunAsync(targets, FastModel, PacedModel, cancellationToken);
            return new ProxyResults(measured, new ProxySetup(
                $"simulator, no load time, {FastTokens} tokens as fast as it can",
                $"simulator, {PacedTokens} tokens at {PacedTokensPerSecond:0} tokens/s",
                profile.LatencyRequests, profile.Rounds, profile.ThroughputDuration.TotalSeconds, profile.FastStreams, profile.PacedStreams));
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Client.Dispose();
            }
        }
    }

    /// <summary>
    /// The Proxy scenario's models.yaml: both models point at the simulators the other targets use
    /// (a placeholder process stands in for each, since the upstream already runs), in one group
    /// that keeps both loaded. <c>concurrencyLimit</c> is raised above the highest concurrency
    /// measured, else the default (10) answers 429 to the rest, as llama-swap does.
    /// </summary>
    private static string ProxyModels(int fastPort, int pacedPort, int? captureBuffer = null) => $"""
        # Generated by LlamaSwap.Benchmarks (proxy overhead scenario).
        healthCheckTimeout: 60
        {(captureBuffer is { } megabytes ? $"captureBuffer: {megabytes}" : "")}
        models:
          {FastModel}:
            cmd: sleep 86400
            proxy: http://127.0.0.1:{fastPort}
            concurrencyLimit: 256
          {PacedModel}:
            cmd: sleep 86400
            proxy: http://127.0.0.1:{pacedPort}
            concurrencyLimit: 256
        groups:
          bench:
            swap: false
            exclusive: false
            members: [{FastModel}, {PacedModel}]
        """;

    /// <summary>Settings a user can give the AppHost (the services inherit them): warnings only in the logs, no OpenTelemetry SDK.</summary>
    private static IReadOnlyDictionary<string, string> QuietEnvironment { get; } = new Dictionary<string, string>
    {
        ["Logging__LogLevel__Default"] = "Warning",
        ["OTEL_SDK_DISABLED"] = "true",
    };

    /// <summary>The stack, or why it could not be started (reported instead of its numbers).</summary>
    private static async Task<(LlamaSwapStack? Stack, string? Problem)> TryStartStackAsync(string yaml, RuntimeProbe probe, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        try
        {
            return (await LlamaSwapStack.StartAsync(yaml, probe, cancellationToken, environment), null);
        }
        catch (StackStartException ex)
        {
            return (null, "not started: " + ex.Message);
        }
    }

    /// <summary>LlamaSwap.Benchmarks/results in the repository this benchmark was built from, else ./results.</summary>
    private static string DefaultResultsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaSwap.Benchmarks", "LlamaSwap.Benchmarks.csproj")))
            {
                return Path.Combine(dir.FullName, "LlamaSwap.Benchmarks", "results");
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "results");
    }

    private string CommandLine()
    {
        var arguments = new List<string>();
        if (options.Smoke)
        {
            arguments.Add("--smoke");
        }

        if (options.Only != ScenarioSelection.All)
        {
            arguments.Add("--only " + options.Only.ToString().ToLowerInvariant());
        }

        return string.Join(' ', ["dotnet run -c Release --project LlamaSwap.Benchmarks --", .. arguments]).TrimEnd(' ', '-');
    }

    private static string LoadAverage() => ReadOr("/proc/loadavg", "?").Split(' ') is [var one, var five, var fifteen, ..] ? $"{one} / {five} / {fifteen}" : "?";

    private static string Kernel() => "Linux " + ReadOr("/proc/sys/kernel/osrelease", "?").Trim();

    private static string CpuModel() =>
        ReadOr("/proc/cpuinfo", "").Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static string ReadOr(string path, string fallback)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return fallback;
        }
    }
}

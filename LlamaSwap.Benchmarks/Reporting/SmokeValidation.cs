namespace LlamaSwap.Benchmarks.Reporting;

/// <summary>
/// What every run must show, however slow the machine: each scenario that ran produced
/// non-zero numbers, no request failed, and every proxy delivered as many SSE events per stream
/// as the simulator sent directly. Nothing about speed.
/// </summary>
internal static class SmokeValidation
{
    public static List<string> Problems(BenchmarkResults results)
    {
        var problems = new List<string>();
        if (results.Proxy is { } proxy)
        {
            var direct = proxy.Targets.FirstOrDefault(t => t.Name == TargetEvaluator.Direct);
            if (direct is not { Measured: true })
            {
                problems.Add("proxy: the direct baseline was not measured");
            }

            foreach (var target in proxy.Targets)
            {
                if (!target.Measured)
                {
                    // Only nginx may be missing (not installed); LlamaSwap itself must always be measured.
                    if (target.Status == "measured" || target.Name.StartsWith(TargetEvaluator.LlamaSwap, StringComparison.Ordinal))
                    {
                        problems.Add($"proxy/{target.Name}: no numbers ({target.Status})");
                    }

                    continue;
                }

                if (target.Latency!.P50Us <= 0)
                {
                    problems.Add($"proxy/{target.Name}: latency p50 is zero");
                }

                problems.AddRange(target.Throughput.Where(p => p.RequestsPerSecond <= 0 || p.Errors > 0)
                    .Select(p => $"proxy/{target.Name}: concurrency {p.Concurrency}: {p.RequestsPerSecond} req/s, {p.Errors} errors"));
                var streaming = target.Streaming!;
                if (streaming.TimeToFirstByte.P50Us <= 0 || streaming.MeanChunkArrivalMicroseconds <= 0 || streaming.Errors > 0)
                {
                    problems.Add($"proxy/{target.Name}: streaming produced no timings or failed ({streaming.Errors} errors)");
                }

                if (streaming.FastEventsMin == 0 || streaming.PacedEventsMin == 0)
                {
                    problems.Add($"proxy/{target.Name}: streams delivered no SSE events");
                }
                else if (direct?.Streaming is { } expected
                    && (streaming.FastEventsMin != expected.FastEventsMax || streaming.FastEventsMax != expected.FastEventsMax
                        || streaming.PacedEventsMin != expected.PacedEventsMax || streaming.PacedEventsMax != expected.PacedEventsMax))
                {
                    problems.Add($"proxy/{target.Name}: SSE events per stream {streaming.FastEventsMin}–{streaming.FastEventsMax} / {streaming.PacedEventsMin}–{streaming.PacedEventsMax}, direct {expected.FastEventsMax} / {expected.PacedEventsMax}");
                }
            }
        }

        if (results.Grpc is { } grpc)
        {
            if (grpc.OurUnary.P50Us <= 0 || grpc.StreamMessagesPerSecond <= 0 || grpc.LeaseFloor.P50Us <= 0)
            {
                problems.Add("grpc: a transport measurement is zero");
            }

            if (grpc.PythonStatus == "measured" && grpc.PythonUnary is not { P50Us: > 0 })
            {
                problems.Add("grpc: python3-grpcio produced no samples");
            }

            if (grpc.SupervisorAcquire is not { P50Us: > 0 })
            {
                problems.Add($"grpc: Supervisor Acquire produced no samples ({grpc.SupervisorStatus})");
            }
        }

        if (results.Swaps is { Status: not "measured" } unmeasured)
        {
            problems.Add($"swaps: not measured ({unmeasured.Status})");
        }

        if (results.Swaps is { Status: "measured" } swaps)
        {
            if (swaps.ColdStart is not { SupervisorAcquire.P50Us: > 0, SimulatorOwnReady.P50Us: > 0 })
            {
                problems.Add("swaps: no cold start numbers");
            }

            if (swaps.Swap is not { P50Us: > 0 })
            {
                problems.Add("swaps: no swap numbers");
            }

            if (swaps.Readiness is not { Samples: > 0 })
            {
                problems.Add("swaps: no readiness detection numbers");
            }

            problems.AddRange(swaps.Churn.Where(c => c.Requests == 0).Select(c => $"swaps: churn {c.Mode}: {c.Requests} requests, {c.Swaps} swaps"));
        }

        return problems;
    }
}

using System.Globalization;
using System.Text;
using LlamaSwap.Benchmarks.Harness;

namespace LlamaSwap.Benchmarks.Reporting;

/// <summary>Renders a run as results.md: targets first, then one section per scenario, tables side by side.</summary>
internal static class MarkdownReport
{
    public static string Render(BenchmarkResults results)
    {
        var md = new StringBuilder();
        var run = results.Run;
        md.AppendLine("# LlamaSwap benchmark results").AppendLine();
        md.AppendLine(Inv($"Profile **{run.Profile}**, {run.StartedAt:yyyy-MM-dd HH:mm} UTC, {run.DurationSeconds:0} s. `{run.Command}`")).AppendLine();
        md.AppendLine(Inv($"Machine: {run.ProcessorCount} cores ({run.Cpu}), {run.Kernel}; {run.Runtime}; nginx {run.Nginx ?? "not installed"}; python3-grpcio {run.PythonGrpc ?? "not installed"}. "))
          .AppendLine(Inv($"Load average (1/5/15 min) at start {run.LoadAverageAtStart}, at end {run.LoadAverageAtEnd}.")).AppendLine();
        foreach (var note in run.Notes)
        {
            md.AppendLine("- " + note);
        }

        if (run.Notes.Count > 0)
        {
            md.AppendLine();
        }

        md.AppendLine("## Targets (reported, not asserted)").AppendLine();
        Table(md, ["Target", "Goal", "Measured", "Outcome"], results.Targets.Select(t => new[] { t.Target, t.Goal, t.Measured, t.Outcome }));

        if (results.Proxy is { } proxy)
        {
            RenderProxy(md, proxy);
        }

        if (results.Swaps is { } swaps)
        {
            RenderSwaps(md, swaps);
        }

        if (results.Grpc is { } grpc)
        {
            RenderGrpc(md, grpc);
        }

        return md.ToString();
    }

    private static void RenderProxy(StringBuilder md, ProxyResults proxy)
    {
        var setup = proxy.Setup;
        md.AppendLine("## 1. Proxy overhead").AppendLine();
        md.AppendLine(Inv($"Upstream: {setup.Upstream} (non-streamed requests, throughput, time to first byte) and {setup.PacedUpstream} (chunk timing). ")
            + Inv($"Latency: {setup.LatencyRequests} sequential requests per target; throughput: closed loop, {setup.ThroughputSeconds:0.#} s per target and concurrency; ")
            + Inv($"streams: {setup.FastStreams} fast and {setup.PacedStreams} paced per target; all in {setup.Rounds} interleaved round(s). ")
            + "\"added\" = this target minus direct. Times in ms.").AppendLine();
        var targets = proxy.Targets;
        var direct = targets.FirstOrDefault(t => t.Name == TargetEvaluator.Direct && t.Measured);
        var header = new List<string> { "" };
        header.AddRange(targets.Select(t => t.Measured ? t.Name : $"{t.Name} ({t.Status})"));
        var rows = new List<string[]>();

        void Row(string name, Func<ProxyTargetResult, string> value) =>
            rows.Add([name, .. targets.Select(t => t.Measured ? value(t) : "—")]);
        string Added(ProxyTargetResult t, Func<ProxyTargetResult, double> value) =>
            direct is null || t == direct ? "—" : Sign(value(t) - value(direct));

        Row("non-streamed p50", t => Ms(t.Latency!.P50Us));
        Row("non-streamed p99", t => Ms(t.Latency!.P99Us));
        Row("added p50", t => Added(t, x => x.Latency!.P50Us));
        Row("added p99", t => Added(t, x => x.Latency!.P99Us));
        foreach (var concurrency in targets.Where(t => t.Measured).SelectMany(t => t.Throughput).Select(p => p.Concurrency).Distinct())
        {
            Row(Inv($"throughput, concurrency {concurrency} (req/s)"), t =>
            {
                var point = t.Throughput.First(p => p.Concurrency == concurrency);
                var baseline = direct?.Throughput.FirstOrDefault(p => p.Concurrency == concurrency)?.RequestsPerSecond;
                var share = baseline is > 0 && t != direct ? Inv($" ({point.RequestsPerSecond / baseline.Value * 100:0} %)") : "";
                var errors = point.Errors > 0 ? Inv($", {point.Errors} errors") : "";
                return Inv($"{point.RequestsPerSecond:0}{share}{errors}");
            });
            Row(Inv($"latency p50 / p99, concurrency {concurrency}"), t =>
            {
                var point = t.Throughput.First(p => p.Concurrency == concurrency);
                return Ms(point.Latency.P50Us) + " / " + Ms(point.Latency.P99Us);
            });
        }

        Row("stream: time to first byte p50", t => Ms(t.Streaming!.TimeToFirstByte.P50Us));
        Row("stream: time to first byte p99", t => Ms(t.Streaming!.TimeToFirstByte.P99Us));
        Row("stream: added time to first byte p50", t => Added(t, x => x.Streaming!.TimeToFirstByte.P50Us));
        Row("paced stream: mean chunk arrival", t => Ms(t.Streaming!.MeanChunkArrivalMicroseconds));
        Row("paced stream: added latency per chunk", t => Added(t, x => x.Streaming!.MeanChunkArrivalMicroseconds));
        Row("SSE events per stream (fast; paced)", t =>
        {
            var s = t.Streaming!;
            var preserved = direct is null || t == direct
                ? ""
                : s.FastEventsMin == direct.Streaming!.FastEventsMax && s.FastEventsMax == direct.Streaming.FastEventsMax
                  && s.PacedEventsMin == direct.Streaming.PacedEventsMax && s.PacedEventsMax == direct.Streaming.PacedEventsMax
                    ? " preserved" : " **changed**";
            return Inv($"{Range(s.FastEventsMin, s.FastEventsMax)}; {Range(s.PacedEventsMin, s.PacedEventsMax)}{preserved}");
        });
        Row("proxy CPU per non-streamed request (µs)", t => ProxyOnly(t) is { Count: > 0 } r
            ? Inv($"{r.Where(x => x.Phase == ProxyPhases.NonStreaming).Sum(x => x.CpuMicrosecondsPerRequest):0}")
            : "—");
        Row("proxy peak RSS (MB)", t => ProxyOnly(t) is { Count: > 0 } r ? Inv($"{PeakByProcess(r):0.0}") : "—");
        Table(md, header, rows);

        md.AppendLine("Resources of each process during the measured windows (warm-ups excluded). Allocations, work items and collections come from a startup hook inside each .NET process; CPU from /proc.").AppendLine();
        Table(md, ["target", "process", "phase", "requests", "CPU s", "CPU µs/req", "alloc B/req", "work items/req", "GC 0/1/2", "GC pause ms", "lock contentions", "idle RSS MB", "peak RSS MB"],
            targets.SelectMany(t => t.Resources).Select(r => new[]
            {
                r.Target, r.Role, r.Phase, Inv($"{r.Requests}"), Inv($"{r.CpuSeconds:0.00}"), Inv($"{r.CpuMicrosecondsPerRequest:0}"),
                r.AllocatedBytesPerRequest is { } a ? Inv($"{a:0}") : "—", r.WorkItemsPerRequest is { } w ? Inv($"{w:0.0}") : "—",
                r.Gen0 is null ? "—" : Inv($"{r.Gen0}/{r.Gen1}/{r.Gen2}"), r.GcPauseMilliseconds is { } p ? Inv($"{p:0.0}") : "—",
                r.LockContentions is { } l ? Inv($"{l}") : "—", Inv($"{r.IdleRssMegabytes:0.0}"), Inv($"{r.PeakRssMegabytes:0.0}"),
            }));
        RenderAllocations(md, targets.SelectMany(t => ProxyOnly(t)).Where(r => r.Phase == ProxyPhases.NonStreaming));
    }

    /// <summary>
    /// The allocation profile of each .NET process a proxy target adds, for non-streamed requests:
    /// the sampled types, scaled to bytes per request.
    /// </summary>
    private static void RenderAllocations(StringBuilder md, IEnumerable<ProcessResources> resources)
    {
        var profiled = resources.Where(r => r.TopAllocations.Count > 0).ToList();
        if (profiled.Count == 0)
        {
            return;
        }

        md.AppendLine("Allocation profile (runtime allocation ticks, one sample per ~100 KB, scaled to bytes per request):").AppendLine();
        foreach (var process in profiled)
        {
            md.AppendLine(Inv($"- **{process.Target} / {process.Role}** ({process.Phase}, {process.AllocatedBytesPerRequest:0} B/request): ")
                + string.Join(", ", process.TopAllocations.Select(a => Inv($"`{a.Type}` {a.BytesPerRequest:0} B ({a.Percent:0} %)"))));
        }

        md.AppendLine();
    }

    /// <summary>The processes a target adds to the path (not the simulators every target shares).</summary>
    private static List<ProcessResources> ProxyOnly(ProxyTargetResult target) =>
        [.. target.Resources.Where(r => !r.Role.StartsWith("simulator", StringComparison.Ordinal) && r.Role != "load generator")];

    private static double PeakByProcess(List<ProcessResources> resources) =>
        resources.GroupBy(r => r.Role).Sum(g => g.Max(r => r.PeakRssMegabytes));

    private static void RenderSwaps(StringBuilder md, SwapResults swaps)
    {
        md.AppendLine("## 2. Swaps").AppendLine();
        if (swaps.ColdStart is null && swaps.Churn.Count == 0)
        {
            md.AppendLine($"Not measured: {swaps.Status}.").AppendLine();
            return;
        }

        if (swaps.Status != "measured")
        {
            md.AppendLine(swaps.Status).AppendLine();
        }

        var rows = new List<string[]>();
        if (swaps.ColdStart is { } cold)
        {
            rows.Add(Summary("simulator's own spawn → ready (started directly)", cold.SimulatorOwnReady));
            rows.Add(Summary("cold Acquire → Ready (Supervisor)", cold.SupervisorAcquire));
            rows.Add(["Supervisor's part (readiness + orchestration), p50", Ms(cold.SupervisorAcquire.P50Us - cold.SimulatorOwnReady.P50Us), "", "", "", ""]);
            if (cold.ProxyFirstByte is { } first)
            {
                rows.Add(Summary("cold first byte through the Proxy", first));
                rows.Add(["Proxy + Supervisor part, p50", Ms(first.P50Us - cold.SimulatorOwnReady.P50Us), "", "", "", ""]);
            }
            else
            {
                rows.Add(["cold first byte through the Proxy", cold.ProxyStatus, "", "", "", ""]);
            }
        }

        if (swaps.Readiness is { } readiness)
        {
            rows.Add(Summary("readiness detection: upstream ready → Ready", readiness.Detection));
        }

        if (swaps.Swap is { } swap)
        {
            rows.Add(Summary("swap A → B: Acquire(B) → Ready while A runs", swap));
        }

        Table(md, ["measurement", "samples", "p50", "p99", "min", "max"], rows);

        if (swaps.Churn.Count > 0)
        {
            md.AppendLine("Churn: three clients each for models a, b and c, started interleaved (a, b, c, a, b, c, …), on one slot (one model loaded at a time); each client holds its lease for one 50 ms request and asks again at once. Waits are Acquire → Ready; requests still waiting when the run ends count with their age so far.").AppendLine();
            Table(md, ["mode", "starvation bound", "requests", "failed under a lease", "swaps", "wait p50", "wait p99", "longest wait", "still waiting at end", "per model p50 / p99"],
                swaps.Churn.Select(c => new[]
                {
                    c.Mode, c.StarvationBoundSeconds == 0 ? "off" : Inv($"{c.StarvationBoundSeconds:0.#} s"), Inv($"{c.Requests}"), Inv($"{c.FailedRequests}"), Inv($"{c.Swaps}"),
                    Ms(c.Wait.P50Us), Ms(c.Wait.P99Us), Ms(c.LongestWaitMilliseconds * 1000), Inv($"{c.StillWaitingAtEnd}"),
                    string.Join("; ", c.WaitByModel.Select(m => $"{m.Key} {Ms(m.Value.P50Us)} / {Ms(m.Value.P99Us)}")),
                }));
        }
    }

    private static void RenderGrpc(StringBuilder md, GrpcResults grpc)
    {
        md.AppendLine("## 3. The gRPC link").AppendLine();
        md.AppendLine("Loopback, h2c, concurrency 1; our client and server unless named.").AppendLine();
        var rows = new List<string[]>
        {
            Summary("unary round trip (32-byte message)", grpc.OurUnary),
            grpc.PythonUnary is { } python ? Summary("unary round trip, python3-grpcio client → our server", python) : ["unary round trip, python3-grpcio client", grpc.PythonStatus, "", "", "", ""],
            Summary("lease shape: open server stream → first message (then cancel)", grpc.LeaseFloor),
            grpc.SupervisorAcquire is { } acquire ? Summary("Acquire on a running model → Ready (Supervisor)", acquire) : ["Acquire on a running model (Supervisor)", grpc.SupervisorStatus, "", "", "", ""],
        };
        if (grpc.SupervisorRelease is { } release)
        {
            rows.Add(Summary("release of that lease (dispose the call)", release));
        }

        Table(md, ["call", "samples", "p50", "p99", "min", "max"], rows);
        md.AppendLine(Inv($"Server stream: {grpc.StreamMessagesPerSecond:0} messages/s ({grpc.StreamMessages} messages of 32 bytes, each flushed).")).AppendLine();
        Table(md, ["process", "phase", "calls", "CPU µs/call", "alloc B/call", "work items/call"],
            grpc.Resources.Select(r => new[]
            {
                r.Role, r.Phase, Inv($"{r.Requests}"), Inv($"{r.CpuMicrosecondsPerRequest:0}"),
                r.AllocatedBytesPerRequest is { } a ? Inv($"{a:0}") : "—", r.WorkItemsPerRequest is { } w ? Inv($"{w:0.0}") : "—",
            }));
        RenderAllocations(md, grpc.Resources);
    }

    private static string[] Summary(string name, LatencySummary s) => [name, Inv($"{s.Count}"), Ms(s.P50Us), Ms(s.P99Us), Ms(s.MinUs), Ms(s.MaxUs)];

    private static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        md.AppendLine();
    }

    private static string Range(int min, int max) => min == max ? Inv($"{min}") : Inv($"{min}–{max}");

    private static string Ms(double microseconds) => (microseconds / 1000).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Sign(double microseconds) => (microseconds >= 0 ? "+" : "") + Ms(microseconds);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace LlamaSwap.Benchmarks.Reporting;

/// <summary>
/// The work item's targets, checked against one run's numbers. Reported, never asserted:
/// a shared 2-core machine is no place for a speed gate.
/// </summary>
internal static class TargetEvaluator
{
    public const string Direct = "direct";
    public const string Nginx = "nginx";
    public const string LlamaSwap = "LlamaSwap";
    public const string LlamaSwapQuiet = "LlamaSwap, no request log or telemetry";
    public const string LlamaSwapNoCaptures = "LlamaSwap, captureBuffer: 0";

    private const string Met = "met";
    private const string Missed = "**missed**";
    private const string NotMeasured = "not measured";

    public static List<TargetCheck> Evaluate(BenchmarkResults results)
    {
        var checks = new List<TargetCheck>();
        var direct = Find(results, Direct);
        var nginx = Find(results, Nginx);
        var ours = Find(results, LlamaSwap);

        double? Added(ProxyTargetResult? target, Func<ProxyTargetResult, double> value) =>
            target is { Measured: true } && direct is { Measured: true } ? value(target) - value(direct) : null;

        var addedP50 = Added(ours, t => t.Latency!.P50Us);
        var addedP99 = Added(ours, t => t.Latency!.P99Us);
        var nginxP50 = Added(nginx, t => t.Latency!.P50Us);
        var nginxP99 = Added(nginx, t => t.Latency!.P99Us);
        checks.Add(Check("added latency p50, concurrency 1", "≤ 0.2 ms", addedP50, 200, nginxP50));
        checks.Add(Check("added latency p99, concurrency 1", "≤ 1 ms", addedP99, 1000, nginxP99));

        double? Share(ProxyTargetResult? target, int concurrency)
        {
            var mine = target?.Throughput.FirstOrDefault(p => p.Concurrency == concurrency)?.RequestsPerSecond;
            var theirs = direct?.Throughput.FirstOrDefault(p => p.Concurrency == concurrency)?.RequestsPerSecond;
            return mine is { } m && theirs is > 0 ? m / theirs.Value * 100 : null;
        }

        var share = Share(ours, 64);
        var nginxShare = Share(nginx, 64);
        checks.Add(new TargetCheck("throughput at concurrency 64", "≥ 90 % of direct",
            share is null ? NotMeasured : Percent(share.Value) + (nginxShare is null ? "" : $" (nginx {Percent(nginxShare.Value)})"),
            share is null ? NotMeasured : share >= 90 ? Met : Missed));

        if (addedP50 is { } ours50 && nginxP50 is { } theirs50)
        {
            var ratio = theirs50 <= 0 ? double.PositiveInfinity : ours50 / theirs50;
            checks.Add(new TargetCheck("overhead vs nginx (added p50)", "≤ 1.5× nginx's",
                $"{Ms(ours50)} vs {Ms(theirs50)} = {ratio.ToString("0.0", CultureInfo.InvariantCulture)}×", ratio <= 1.5 ? Met : Missed));
        }
        else
        {
            checks.Add(new TargetCheck("overhead vs nginx (added p50)", "≤ 1.5× nginx's", NotMeasured, NotMeasured));
        }

        var readiness = results.Swaps?.Readiness?.Detection;
        checks.Add(new TargetCheck("readiness noticed after the upstream is ready", "≤ 30 ms",
            readiness is null ? NotMeasured : $"p50 {Ms(readiness.P50Us)}, max {Ms(readiness.MaxUs)}",
            readiness is null ? NotMeasured : readiness.MaxUs <= 30_000 ? Met : Missed));

        var idle = ours?.Resources.FirstOrDefault(r => r.Role == "Proxy")?.IdleRssMegabytes;
        checks.Add(new TargetCheck("idle Proxy memory (RSS)", "≤ 100 MB",
            idle is null ? NotMeasured : $"{idle.Value.ToString("0.0", CultureInfo.InvariantCulture)} MB",
            idle is null ? NotMeasured : idle <= 100 ? Met : Missed));
        return checks;
    }

    private static ProxyTargetResult? Find(BenchmarkResults results, string name) =>
        results.Proxy?.Targets.FirstOrDefault(t => t.Name == name && t.Measured);

    private static TargetCheck Check(string name, string goal, double? measuredUs, double limitUs, double? nginxUs) => new(
        name, goal,
        measuredUs is null ? NotMeasured : Ms(measuredUs.Value) + (nginxUs is null ? "" : $" (nginx {Ms(nginxUs.Value)})"),
        measuredUs is null ? NotMeasured : measuredUs <= limitUs ? Met : Missed);

    public static string Ms(double microseconds) => (microseconds / 1000).ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    private static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " %";
}

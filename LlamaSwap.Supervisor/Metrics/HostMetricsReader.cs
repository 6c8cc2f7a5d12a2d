using System.Collections.Immutable;
using System.Globalization;

namespace LlamaSwap.Supervisor.Metrics;

/// <summary>
/// The host's CPU, memory, load and network figures from <c>/proc</c>, under llama-swap's metric names
/// (<c>llamaswap_cpu_util_percent</c>, <c>llamaswap_memory_total_bytes</c>, …). CPU utilisation is measured
/// between two reads (since boot on the first). Linux only: elsewhere, or when a file cannot be read, the
/// figures it would give are left out.
/// </summary>
internal sealed class HostMetricsReader(string procRoot = "/proc")
{
    private readonly Lock _gate = new();
    private ImmutableArray<CpuTimes> _previous = [];

    public IReadOnlyList<PrometheusFamily> Read()
    {
        var families = new List<PrometheusFamily>();
        if (TryRead("stat") is { } stat)
        {
            var current = ParseCpuTimes(stat);
            ImmutableArray<CpuTimes> previous;
            lock (_gate)
            {
                previous = _previous;
                _previous = current;
            }

            families.Add(new("llamaswap_cpu_util_percent", PrometheusType.Gauge, "CPU utilisation per core, 0-100.",
                [.. current.Select((c, i) => PrometheusSample.Of(
                    c.UtilisationSince(i < previous.Length ? previous[i] : default), ("core", i.ToString(CultureInfo.InvariantCulture))))]));
        }

        if (TryRead("meminfo") is { } meminfo)
            families.AddRange(MemoryFamilies(ParseMemInfo(meminfo)));
        if (TryRead("loadavg") is { } loadavg && ParseLoadAverage(loadavg) is { } load)
        {
            families.Add(new("llamaswap_load_average", PrometheusType.Gauge, "System load average.",
                [PrometheusSample.Of(load.One, ("interval", "1m")), PrometheusSample.Of(load.Five, ("interval", "5m")), PrometheusSample.Of(load.Fifteen, ("interval", "15m"))]));
        }

        if (TryRead("net/dev") is { } netdev && ParseNetworkDevices(netdev) is { Count: > 0 } interfaces)
        {
            families.Add(new("llamaswap_network_bytes_total", PrometheusType.Counter, "Bytes received and sent per network interface.",
                [.. interfaces.SelectMany(n => new[]
                {
                    PrometheusSample.Of(n.Received, ("interface", n.Name), ("direction", "recv")),
                    PrometheusSample.Of(n.Sent, ("interface", n.Name), ("direction", "sent")),
                })]));
        }

        return families;
    }

    /// <summary>The per-core lines (<c>cpu0</c>, <c>cpu1</c>, …) of <c>/proc/stat</c>.</summary>
    internal static ImmutableArray<CpuTimes> ParseCpuTimes(string stat)
    {
        var cores = ImmutableArray.CreateBuilder<CpuTimes>();
        foreach (var line in stat.Split('\n'))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3]))
                continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();

            // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
            var total = fields.Take(8).Sum();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            cores.Add(new CpuTimes(total, idle));
        }

        return cores.ToImmutable();
    }

    /// <summary><c>/proc/meminfo</c> values in bytes, by field name.</summary>
    internal static IReadOnlyDictionary<string, long> ParseMemInfo(string meminfo)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in meminfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            var parts = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                values[line[..colon]] = parts.Length > 1 && parts[1] == "kB" ? value * 1024 : value;
        }

        return values;
    }

    internal static (double One, double Five, double Fifteen)? ParseLoadAverage(string loadavg)
    {
        var parts = loadavg.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var one)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var five)
            && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var fifteen)
                ? (one, five, fifteen)
                : null;
    }

    /// <summary><c>/proc/net/dev</c>: received and sent bytes per interface.</summary>
    internal static IReadOnlyList<(string Name, long Received, long Sent)> ParseNetworkDevices(string netdev)
    {
        var interfaces = new List<(string, long, long)>();
        foreach (var line in netdev.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 9
                && long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var received)
                && long.TryParse(fields[8], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sent))
                interfaces.Add((line[..colon].Trim(), received, sent));
        }

        return interfaces;
    }

    private static IEnumerable<PrometheusFamily> MemoryFamilies(IReadOnlyDictionary<string, long> memory)
    {
        if (memory.TryGetValue("MemTotal", out var total))
        {
            yield return Gauge("llamaswap_memory_total_bytes", "Total physical memory.", total);
            if (memory.TryGetValue("MemAvailable", out var available))
                yield return Gauge("llamaswap_memory_used_bytes", "Physical memory in use (total minus available).", total - available);
            if (memory.TryGetValue("MemFree", out var free))
                yield return Gauge("llamaswap_memory_free_bytes", "Unused physical memory.", free);
        }

        if (memory.TryGetValue("SwapTotal", out var swapTotal))
        {
            yield return Gauge("llamaswap_swap_total_bytes", "Total swap space.", swapTotal);
            if (memory.TryGetValue("SwapFree", out var swapFree))
                yield return Gauge("llamaswap_swap_used_bytes", "Swap space in use.", swapTotal - swapFree);
        }
    }

    private static PrometheusFamily Gauge(string name, string help, double value) =>
        new(name, PrometheusType.Gauge, help, [PrometheusSample.Of(value)]);

    private string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procRoot, file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Clock ticks since boot, in total and idle (idle + iowait), for one core.</summary>
    internal readonly record struct CpuTimes(long Total, long Idle)
    {
        /// <summary>Busy share between <paramref name="earlier"/> and this, 0-100 (since boot when there was no earlier read).</summary>
        public double UtilisationSince(CpuTimes earlier)
        {
            var total = Total - earlier.Total;
            var idle = Idle - earlier.Idle;
            return total <= 0 ? 0 : Math.Clamp(100.0 * (total - idle) / total, 0, 100);
        }
    }
}

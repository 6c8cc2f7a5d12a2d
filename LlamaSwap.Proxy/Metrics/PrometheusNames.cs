using System.Text;

namespace LlamaSwap.Proxy.Metrics;

/// <summary>
/// OpenTelemetry instrument and attribute names in Prometheus form, following the OpenTelemetry-to-Prometheus
/// compatibility rules: invalid characters become <c>_</c>, the unit becomes a suffix
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, <c>{token}/s</c> → <c>_per_second</c>; annotations in
/// braces are dropped), and counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusNames
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds",
        ["us"] = "microseconds", ["ns"] = "nanoseconds", ["By"] = "bytes", ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["KBy"] = "kilobytes", ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes", ["%"] = "percent", ["Cel"] = "celsius", ["W"] = "watts", ["Hz"] = "hertz",
        ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules",
    };

    // Denominators read as "per second", "per minute", … (singular), as the compatibility rules spell them.
    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["min"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    public static string Metric(string name, string? unit, MetricKind kind)
    {
        var result = Sanitize(name);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal) && result != suffix)
            result += "_" + suffix;
        if (kind == MetricKind.Counter && !result.EndsWith("_total", StringComparison.Ordinal))
            result += "_total";
        return result;
    }

    public static string Label(string name)
    {
        var result = Sanitize(name).Replace(":", "_", StringComparison.Ordinal);
        return result.StartsWith("__", StringComparison.Ordinal) ? "key" + result : result;
    }

    internal static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit) || unit == "1")
            return "";
        var slash = unit.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var numerator = UnitSuffix(unit[..slash]);
            var per = unit[(slash + 1)..].Trim();
            var denominator = PerUnits.TryGetValue(per, out var singular) ? singular : UnitWord(per);
            if (denominator.Length == 0)
                return numerator;
            return numerator.Length == 0 ? "per_" + denominator : $"{numerator}_per_{denominator}";
        }

        return UnitWord(unit);
    }

    private static string UnitWord(string unit)
    {
        // "{token}" annotates a dimensionless count: it adds nothing to the name.
        var withoutAnnotations = new StringBuilder();
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
                depth++;
            else if (c == '}')
                depth = Math.Max(0, depth - 1);
            else if (depth == 0)
                withoutAnnotations.Append(c);
        }

        var word = withoutAnnotations.ToString().Trim();
        if (word.Length == 0)
            return "";
        return Units.TryGetValue(word, out var mapped) ? mapped : Sanitize(word).Trim('_');
    }

    private static string Sanitize(string name)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or ':';
            var next = valid ? c : '_';
            if (next == '_' && result.Length > 0 && result[^1] == '_')
                continue;
            result.Append(next);
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
            result.Insert(0, '_');
        return result.ToString();
    }
}

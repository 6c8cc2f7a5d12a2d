using System.Text;

namespace LlamaSwap.Supervisor.Metrics;

/// <summary>
/// OpenTelemetry instrument and attribute names as Prometheus names, the way the OpenTelemetry Prometheus
/// exporters convert them: invalid characters become <c>_</c>, the unit is appended as a word
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>; annotations like <c>{request}</c> add nothing), and
/// counters end in <c>_total</c>. <c>llamaswap.model.start.duration</c> (s) is
/// <c>llamaswap_model_start_duration_seconds</c>.
/// </summary>
internal static class PrometheusNaming
{
    public static string MetricName(string instrument, string? unit, bool counter)
    {
        var name = Sanitize(instrument, allowColon: true);
        if (UnitWord(unit) is { } word && !name.EndsWith("_" + word, StringComparison.Ordinal))
            name += "_" + word;
        if (counter && !name.EndsWith("_total", StringComparison.Ordinal))
            name += "_total";
        return name;
    }

    public static string LabelName(string attribute) => Sanitize(attribute, allowColon: false);

    internal static string? UnitWord(string? unit)
    {
        if (string.IsNullOrEmpty(unit) || unit.StartsWith('{') || unit == "1")
            return null;
        return unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "us" => "microseconds",
            "ns" => "nanoseconds",
            "min" => "minutes",
            "h" => "hours",
            "By" => "bytes",
            "KiBy" => "kibibytes",
            "MiBy" => "mebibytes",
            "GiBy" => "gibibytes",
            "%" => "percent",
            _ => Sanitize(unit, allowColon: false).Trim('_') is { Length: > 0 } word ? word : null,
        };
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
            text.Insert(0, '_');
        return text.ToString();
    }
}

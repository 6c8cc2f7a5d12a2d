using System.Globalization;
using System.Text;

namespace LlamaSwap.Supervisor.Metrics;

/// <summary>
/// Writes metric families in the Prometheus text exposition format 0.0.4: <c># HELP</c> and <c># TYPE</c> lines,
/// then one line per sample; a histogram as cumulative <c>_bucket</c> lines ending with <c>le="+Inf"</c>, then
/// <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Write(TextWriter writer, IEnumerable<PrometheusFamily> families)
    {
        foreach (var family in families)
        {
            writer.Write("# HELP ");
            writer.Write(family.Name);
            writer.Write(' ');
            writer.Write(EscapeHelp(family.Help));
            writer.Write('\n');
            writer.Write("# TYPE ");
            writer.Write(family.Name);
            writer.Write(' ');
            writer.Write(family.Type switch
            {
                PrometheusType.Counter => "counter",
                PrometheusType.Histogram => "histogram",
                _ => "gauge",
            });
            writer.Write('\n');
            foreach (var sample in family.Samples)
            {
                if (family.Type == PrometheusType.Histogram && sample.Histogram is { } histogram)
                    WriteHistogram(writer, family.Name, sample, histogram);
                else
                    WriteLine(writer, family.Name, sample.Labels, null, sample.Value);
            }
        }
    }

    public static string ToText(IEnumerable<PrometheusFamily> families)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, families);
        return writer.ToString();
    }

    /// <summary>A label value: backslash, double quote and line feed escaped.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Help text: backslash and line feed escaped (quotes stay as they are).</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void WriteHistogram(TextWriter writer, string name, PrometheusSample sample, PrometheusHistogram histogram)
    {
        var bucket = name + "_bucket";
        long cumulative = 0;
        for (var i = 0; i < histogram.Bounds.Length; i++)
        {
            cumulative += histogram.Counts[i];
            WriteLine(writer, bucket, sample.Labels, FormatValue(histogram.Bounds[i]), cumulative);
        }

        WriteLine(writer, bucket, sample.Labels, "+Inf", histogram.Count);
        WriteLine(writer, name + "_sum", sample.Labels, null, histogram.Sum);
        WriteLine(writer, name + "_count", sample.Labels, null, histogram.Count);
    }

    private static void WriteLine(TextWriter writer, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        writer.Write(name);
        if (labels.Count > 0 || le is not null)
        {
            var text = new StringBuilder("{");
            foreach (var (key, labelValue) in labels)
                AppendLabel(text, key, labelValue);
            if (le is not null)
                AppendLabel(text, "le", le);
            text.Length--;
            text.Append('}');
            writer.Write(text.ToString());
        }

        writer.Write(' ');
        writer.Write(FormatValue(value));
        writer.Write('\n');
    }

    private static void AppendLabel(StringBuilder text, string name, string value) =>
        text.Append(name).Append("=\"").Append(EscapeLabelValue(value)).Append("\",");
}

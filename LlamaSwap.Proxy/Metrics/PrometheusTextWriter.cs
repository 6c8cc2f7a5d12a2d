using System.Globalization;
using System.Text;

namespace LlamaSwap.Proxy.Metrics;

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: for each metric a <c># HELP</c> and <c># TYPE</c>
/// line, then one sample per label set; histograms as cumulative <c>_bucket{le=…}</c> samples ending in
/// <c>le="+Inf"</c>, then <c>_sum</c> and <c>_count</c>. Label values escape <c>\</c>, <c>"</c> and newline.
/// </summary>
internal static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricSnapshot> metrics)
    {
        var text = new StringBuilder();
        foreach (var metric in metrics.Where(m => m.Points.Count > 0).OrderBy(m => m.Name, StringComparer.Ordinal))
            Write(text, metric);
        return text.ToString();
    }

    private static void Write(StringBuilder text, MetricSnapshot metric)
    {
        var name = PrometheusNames.Metric(metric.Name, metric.Unit, metric.Kind);
        if (!string.IsNullOrEmpty(metric.Description))
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(metric.Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');

        foreach (var point in metric.Points)
        {
            if (metric.Kind != MetricKind.Histogram || point.Histogram is not { } histogram)
            {
                Sample(text, name, point.Labels, null, point.Value);
                continue;
            }

            long cumulative = 0;
            for (var i = 0; i < histogram.Bounds.Count; i++)
            {
                cumulative += histogram.BucketCounts[i];
                Sample(text, name + "_bucket", point.Labels, Number(histogram.Bounds[i]), cumulative);
            }

            Sample(text, name + "_bucket", point.Labels, "+Inf", histogram.Count);
            Sample(text, name + "_sum", point.Labels, null, histogram.Sum);
            Sample(text, name + "_count", point.Labels, null, histogram.Count);
        }
    }

    private static void Sample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                if (!first)
                    text.Append(',');
                first = false;
                text.Append(PrometheusNames.Label(key)).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
            }

            if (le is not null)
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    internal static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

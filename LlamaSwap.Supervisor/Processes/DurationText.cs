using System.Globalization;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>Durations as users write them in configuration: <c>60s</c>, <c>1.5s</c>, <c>250ms</c>.</summary>
internal static class DurationText
{
    public static string Format(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s");
}

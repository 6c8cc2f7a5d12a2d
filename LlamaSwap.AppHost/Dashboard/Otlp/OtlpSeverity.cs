namespace LlamaSwap.AppHost.Dashboard.Otlp;

/// <summary>OTLP severity numbers (1-24, four per level) and the .NET log level names the UI shows.</summary>
internal static class OtlpSeverity
{
    public static readonly string[] Levels = ["trace", "debug", "information", "warning", "error", "critical"];

    /// <summary>The level of a severity number; 0 (unspecified) reads as information.</summary>
    public static string Level(int severityNumber) =>
        severityNumber <= 0 ? "information" : Levels[Math.Clamp((severityNumber - 1) / 4, 0, Levels.Length - 1)];

    /// <summary>The lowest severity number of a level name, or null for an unknown name.</summary>
    public static int? MinimumSeverity(string level)
    {
        var index = Array.FindIndex(Levels, l => l.StartsWith(level, StringComparison.OrdinalIgnoreCase) && level.Length >= 3);
        return index < 0 ? null : index * 4 + 1;
    }
}

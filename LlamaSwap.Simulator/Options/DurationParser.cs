using System.Globalization;

namespace LlamaSwap.Simulator.Options;

/// <summary>
/// Parses durations the way Go's <c>time.ParseDuration</c> spells them (<c>500ms</c>, <c>2s</c>, <c>1m30s</c>,
/// <c>1.5h</c>), because that is how llama-swap configurations and its own test helpers write them.
/// A bare number is only accepted for zero; any other number without a unit is ambiguous.
/// </summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;

        var span = text.AsSpan().Trim();
        if (span is "0")
            return true;

        double totalMilliseconds = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
                numberLength++;
            if (numberLength == 0
                || !double.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                return false;
            span = span[numberLength..];

            var unitLength = 0;
            while (unitLength < span.Length && char.IsAsciiLetter(span[unitLength]))
                unitLength++;
            double? unitMilliseconds = span[..unitLength] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null,
            };
            if (unitMilliseconds is null)
                return false;
            span = span[unitLength..];
            totalMilliseconds += value * unitMilliseconds.Value;
        }

        if (totalMilliseconds > TimeSpan.MaxValue.TotalMilliseconds)
            return false;
        duration = TimeSpan.FromMilliseconds(totalMilliseconds);
        return true;
    }

    /// <summary>Formats a duration in the same notation, for log lines.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { Ticks: 0 } => "0s",
        { TotalSeconds: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s"),
    };
}

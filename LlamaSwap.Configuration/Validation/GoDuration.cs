using System.Globalization;

namespace LlamaSwap.Configuration.Validation;

/// <summary>Parses Go duration strings (<c>5s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>300ms</c>) as llama-swap's config accepts them.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>The shortest Go-style text for a duration (<c>500ms</c>, <c>5s</c>, <c>1m30s</c>), for messages.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
            return $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        var text = "";
        if (duration.TotalHours >= 1)
            text += $"{(int)duration.TotalHours}h";
        if (duration.Minutes > 0)
            text += $"{duration.Minutes}m";
        var seconds = duration.Seconds + duration.Milliseconds / 1000.0;
        if (seconds > 0 || text.Length == 0)
            text += $"{seconds.ToString(CultureInfo.InvariantCulture)}s";
        return text;
    }

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var s = text.Trim();
        var negative = s.StartsWith('-');
        s = s.TrimStart('-', '+');
        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        double ticks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unit = Units.Where(u => s.AsSpan(i).StartsWith(u.Unit, StringComparison.Ordinal))
                .OrderByDescending(u => u.Unit.Length)
                .Select(u => ((string, double)?)u)
                .FirstOrDefault();
            if (unit is null)
            {
                return false;
            }

            i += unit.Value.Item1.Length;
            ticks += number * unit.Value.Item2;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(negative ? -ticks : ticks));
        return true;
    }
}

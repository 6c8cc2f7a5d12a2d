using System.Globalization;

namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// Timestamps in the Go layouts <c>logTimeFormat</c> names (llama-swap's option), rendered with .NET formatting.
/// Zone names Go would print (MST) are shown as <c>UTC</c> or the numeric offset, which .NET cannot name.
/// </summary>
internal static class GoTimeLayouts
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The formatted time, or null when the layout name is empty or unknown (no timestamp).</summary>
    public static string? Format(string layout, DateTimeOffset t) => layout.ToLowerInvariant() switch
    {
        "ansic" => $"{t.ToString("ddd MMM", Invariant)} {Day(t)} {t.ToString("HH:mm:ss yyyy", Invariant)}",
        "unixdate" => $"{t.ToString("ddd MMM", Invariant)} {Day(t)} {t.ToString("HH:mm:ss", Invariant)} {Zone(t)} {t.ToString("yyyy", Invariant)}",
        "rubydate" => $"{t.ToString("ddd MMM dd HH:mm:ss", Invariant)} {NumericZone(t)} {t.ToString("yyyy", Invariant)}",
        "rfc822" => $"{t.ToString("dd MMM yy HH:mm", Invariant)} {Zone(t)}",
        "rfc822z" => $"{t.ToString("dd MMM yy HH:mm", Invariant)} {NumericZone(t)}",
        "rfc850" => $"{t.ToString("dddd, dd-MMM-yy HH:mm:ss", Invariant)} {Zone(t)}",
        "rfc1123" => $"{t.ToString("ddd, dd MMM yyyy HH:mm:ss", Invariant)} {Zone(t)}",
        "rfc1123z" => $"{t.ToString("ddd, dd MMM yyyy HH:mm:ss", Invariant)} {NumericZone(t)}",
        "rfc3339" => t.ToString("yyyy-MM-ddTHH:mm:ss", Invariant) + IsoZone(t),
        "rfc3339nano" => t.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", Invariant) + IsoZone(t),
        "kitchen" => t.ToString("h:mmtt", Invariant),
        "stamp" => $"{t.ToString("MMM", Invariant)} {Day(t)} {t.ToString("HH:mm:ss", Invariant)}",
        "stampmilli" => $"{t.ToString("MMM", Invariant)} {Day(t)} {t.ToString("HH:mm:ss.fff", Invariant)}",
        "stampmicro" => $"{t.ToString("MMM", Invariant)} {Day(t)} {t.ToString("HH:mm:ss.ffffff", Invariant)}",
        "stampnano" => $"{t.ToString("MMM", Invariant)} {Day(t)} {t.ToString("HH:mm:ss.fffffff", Invariant)}00",
        _ => null,
    };

    // Go's "_2": the day padded with a space.
    private static string Day(DateTimeOffset t) => t.Day.ToString(Invariant).PadLeft(2);

    private static string Zone(DateTimeOffset t) => t.Offset == TimeSpan.Zero ? "UTC" : NumericZone(t);

    private static string NumericZone(DateTimeOffset t) =>
        (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.Duration().ToString("hhmm", Invariant);

    private static string IsoZone(DateTimeOffset t) =>
        t.Offset == TimeSpan.Zero ? "Z" : (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.Duration().ToString(@"hh\:mm", Invariant);
}

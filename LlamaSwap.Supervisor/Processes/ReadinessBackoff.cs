namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// Pause before the next readiness poll: <see cref="UpstreamProcessOptions.ReadinessInitialDelay"/>, doubling up to
/// <see cref="UpstreamProcessOptions.ReadinessMaxDelay"/> while the start is young (<c>10, 20, 20 …</c> ms by default,
/// so a quick load is noticed within 20 ms), then up to <see cref="UpstreamProcessOptions.ReadinessSlowMaxDelay"/>
/// once it has taken longer than <see cref="UpstreamProcessOptions.ReadinessFastWindow"/> (50 ms: a slow load costs
/// fewer polls and is still noticed within tens of milliseconds).
/// </summary>
internal static class ReadinessBackoff
{
    /// <param name="attempt">Polls made so far, minus one.</param>
    /// <param name="elapsed">Time since the first poll.</param>
    public static TimeSpan Delay(int attempt, TimeSpan elapsed, UpstreamProcessOptions options) =>
        Delay(attempt, options.ReadinessInitialDelay, elapsed < options.ReadinessFastWindow ? options.ReadinessMaxDelay : options.ReadinessSlowMaxDelay);

    /// <param name="attempt">Polls made so far, minus one.</param>
    /// <param name="initial">The first pause.</param>
    /// <param name="max">The cap.</param>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max)
    {
        // 2^30 times any sensible initial delay is past any cap; avoid overflowing on long waits.
        var factor = attempt >= 30 ? double.MaxValue : Math.Pow(2, Math.Max(0, attempt));
        var ticks = initial.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}

namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// Pause before readiness poll <c>attempt + 1</c>: <paramref name="initial"/>, then doubling up to
/// <paramref name="max"/> (<c>10, 20, 20, 20 …</c> ms by default, so readiness is noticed within 20 ms however long
/// the model takes to load).
/// </summary>
internal static class ReadinessBackoff
{
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

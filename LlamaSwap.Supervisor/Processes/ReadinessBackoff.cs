namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// Pause before readiness poll <c>attempt + 1</c>: fast at first so an upstream that is ready at once is noticed within
/// tens of milliseconds, then doubling to a cap for slow loads (<c>10, 20, 40, 80, 160, 250, 250 …</c> ms by default).
/// </summary>
internal static class ReadinessBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max)
    {
        // 2^30 times any sensible initial delay is past any cap; avoid overflowing on long waits.
        var factor = attempt >= 30 ? double.MaxValue : Math.Pow(2, Math.Max(0, attempt));
        var ticks = initial.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}

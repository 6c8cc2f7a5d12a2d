namespace LlamaSwap.Simulator.Generation;

/// <summary>
/// Paces tokens at the configured rate on an absolute schedule: token <c>i</c> is due at
/// <c>start + (i + 1) / rate</c>, so timer jitter never accumulates and N tokens take N / rate seconds.
/// A rate of 0 means no pacing.
/// </summary>
internal sealed class TokenPacer(TimeProvider time, double tokensPerSecond)
{
    private readonly long _ticksPerToken = tokensPerSecond > 0 ? (long)(time.TimestampFrequency / tokensPerSecond) : 0;

    public TimeProvider Time => time;

    public ValueTask WaitForTokenAsync(long start, int index, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        if (_ticksPerToken == 0)
            return ValueTask.CompletedTask;

        var remaining = start + ((index + 1) * _ticksPerToken) - time.GetTimestamp();
        if (remaining <= 0)
            return ValueTask.CompletedTask;
        var delay = TimeSpan.FromSeconds(remaining / (double)time.TimestampFrequency);
        return new ValueTask(Task.Delay(delay, time, cancellationToken));
    }
}

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>Reads something (an API page, a metrics scrape) until it shows what a test waits for, within a bound.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <returns>The first reading that satisfies <paramref name="until"/>.</returns>
    /// <exception cref="TimeoutException">No reading did within <see cref="TaskTimeoutExtensions.DefaultTimeoutSpan"/>; names <paramref name="what"/> and shows the last reading.</exception>
    public static async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> until, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TaskTimeoutExtensions.DefaultTimeoutSpan);
        var last = default(T);
        try
        {
            while (true)
            {
                last = await read(deadline.Token);
                if (until(last))
                    return last;
                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"waited {TaskTimeoutExtensions.DefaultTimeoutSpan.TotalSeconds:0} s for {what}; the last reading was: {last}");
        }
    }
}

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>Bounds for every wait in these tests: generous for a loaded 2-core machine, never hit when things work.</summary>
internal static class Timeouts
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);
}

internal static class BoundedWaits
{
    /// <summary>Awaits with the standard bound; a hang fails the test instead of stalling the run.</summary>
    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Timeouts.Step, TestContext.Current.CancellationToken);

    public static Task Bounded(this Task task) => task.WaitAsync(Timeouts.Step, TestContext.Current.CancellationToken);

    /// <summary>Completes when the token is cancelled.</summary>
    public static Task WhenCancelled(this CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => cancelled.TrySetResult());
        return cancelled.Task;
    }
}

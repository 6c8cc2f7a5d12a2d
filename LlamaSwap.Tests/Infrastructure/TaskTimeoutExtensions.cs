using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>
/// <c>.DefaultTimeout()</c> on any awaited task, so a hang fails the test with the file and line that hung
/// instead of blocking the run. The default is generous because the build machine may be loaded.
/// </summary>
public static class TaskTimeoutExtensions
{
    /// <summary>30 seconds, or 10 minutes while a debugger is attached.</summary>
    public static TimeSpan DefaultTimeoutSpan { get; } = Debugger.IsAttached ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(30);

    public static Task DefaultTimeout(this Task task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Wrap(task, timeout ?? DefaultTimeoutSpan, file, line);

    public static Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Wrap(task, timeout ?? DefaultTimeoutSpan, file, line);

    public static Task DefaultTimeout(this ValueTask task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Wrap(task.AsTask(), timeout ?? DefaultTimeoutSpan, file, line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Wrap(task.AsTask(), timeout ?? DefaultTimeoutSpan, file, line);

    private static async Task Wrap(Task task, TimeSpan timeout, string file, int line)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"operation at {Path.GetFileName(file)}:{line} did not complete within {timeout}", e);
        }
    }

    private static async Task<T> Wrap<T>(Task<T> task, TimeSpan timeout, string file, int line)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"operation at {Path.GetFileName(file)}:{line} did not complete within {timeout}", e);
        }
    }
}

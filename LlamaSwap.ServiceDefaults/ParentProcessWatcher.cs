using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.ServiceDefaults;

/// <summary>
/// Stops the service gracefully when the AppHost that started it is gone (killed with SIGKILL, say):
/// the services run in their own sessions, so nothing else would end them, and a Supervisor left
/// behind would keep its upstreams holding GPU memory. Active only when the AppHost set
/// <see cref="KnownConfigNames.AppHostPid"/>; the parent is checked with getppid(2), which cannot be
/// fooled by PID reuse because an orphan is re-parented.
/// </summary>
internal sealed partial class ParentProcessWatcher(
    IHostApplicationLifetime lifetime, ILogger<ParentProcessWatcher> logger, TimeProvider timeProvider, int appHostPid) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (GetParentPid() == appHostPid)
                continue;
            logger.LogWarning("The AppHost (pid {Pid}) is gone; shutting down", appHostPid);
            lifetime.StopApplication();
            return;
        }
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();
}

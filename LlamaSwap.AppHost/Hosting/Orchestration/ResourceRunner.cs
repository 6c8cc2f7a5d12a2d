using System.Diagnostics;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.ServiceDefaults;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>
/// Keeps one project resource running: launches it with its environment, waits until it is
/// healthy, restarts it with backoff when it dies, and stops it (SIGTERM, then kill after the
/// resource's shutdown timeout) when asked. One runner owns its process; nothing else signals it.
/// </summary>
internal sealed class ResourceRunner(
    ProjectResource resource,
    IReadOnlyDictionary<string, string> sharedEnvironment,
    ResourceNotificationService notifications,
    ResourceLogService logs,
    TimeProvider timeProvider)
{
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    /// <summary>A run this long counts as stable: the next crash restarts without accumulated backoff.</summary>
    private static readonly TimeSpan StableRun = TimeSpan.FromSeconds(60);

    private const string SetSid = "/usr/bin/setsid";

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstHealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private Task? _loop;

    public ProjectResource Resource => resource;

    /// <summary>Completes when the resource first becomes healthy; faults if the runner stops before.</summary>
    public Task FirstHealthy => _firstHealthy.Task;

    public void Start() => _loop = RunAsync(_stopping.Token);

    /// <summary>Kills the current process so the loop restarts it (the dashboard's restart command).</summary>
    public void Restart()
    {
        if (_process is { HasExited: false } process)
            PosixSignals.TrySendTerminate(process.Id);
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
            await _loop;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromSeconds(1);
        for (var attempt = 0; !stopping.IsCancellationRequested; attempt++)
        {
            var startedAt = timeProvider.GetUtcNow();
            int exitCode;
            try
            {
                exitCode = await RunOnceAsync(attempt, stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logs.Append(resource.Name, $"failed to start: {ex.Message}", isStdErr: true);
                notifications.Update(resource.Name, s => s with { State = KnownResourceStates.FailedToStart, Healthy = false });
                exitCode = -1;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (stopping.IsCancellationRequested)
                break;
            if (timeProvider.GetUtcNow() - startedAt >= StableRun)
                backoff = TimeSpan.FromSeconds(1);
            logs.Append(resource.Name, $"exited with code {exitCode}; restarting in {backoff.TotalSeconds:0}s", isStdErr: true);
            try
            {
                await Task.Delay(backoff, timeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }

        _firstHealthy.TrySetException(new InvalidOperationException($"resource '{resource.Name}' stopped before it became healthy"));
        notifications.Update(resource.Name, s => s with { State = KnownResourceStates.Exited, Healthy = false, StoppedAt = timeProvider.GetUtcNow() });
    }

    /// <returns>The exit code of the process.</returns>
    private async Task<int> RunOnceAsync(int attempt, CancellationToken stopping)
    {
        using var process = Launch();
        _process = process;
        notifications.Update(resource.Name, s => s with
        {
            State = KnownResourceStates.Starting, Healthy = false, Pid = process.Id, ExitCode = null,
            Restarts = attempt, StartedAt = timeProvider.GetUtcNow(), StoppedAt = null,
        });

        using var stopRegistration = stopping.Register(() => _ = StopProcessAsync(process));
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var healthy = WaitUntilHealthyAsync(exited, stopping);
        if (await healthy)
        {
            notifications.Update(resource.Name, s => s with { State = KnownResourceStates.Running, Healthy = true });
            _firstHealthy.TrySetResult();
        }

        await exited;
        // Let the output readers finish so the last lines (often the reason for an exit) are kept.
        await process.WaitForExitAsync(CancellationToken.None);
        notifications.Update(resource.Name, s => s with
        {
            State = KnownResourceStates.Exited, Healthy = false, ExitCode = process.ExitCode, StoppedAt = timeProvider.GetUtcNow(),
        });
        return process.ExitCode;
    }

    private Process Launch()
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, resource.AssemblyName + ".dll");
        if (!File.Exists(assembly))
            throw new FileNotFoundException($"'{assembly}' is missing: build the solution (the AppHost references every service)");

        // Each service gets its own session, so a Ctrl+C in the terminal reaches the AppHost alone and
        // the AppHost decides the order: Proxy first (drain), then Supervisor (stop upstreams).
        var start = new ProcessStartInfo(File.Exists(SetSid) ? SetSid : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (File.Exists(SetSid))
            start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(assembly);
        foreach (var (name, value) in BuildEnvironment())
            start.Environment[name] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) logs.Append(resource.Name, e.Data, isStdErr: false); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logs.Append(resource.Name, e.Data, isStdErr: true); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal Dictionary<string, string> BuildEnvironment()
    {
        var env = new Dictionary<string, string>(sharedEnvironment)
        {
            [KnownConfigNames.AppHostPid] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var endpoint in resource.Endpoints)
        {
            // Kestrel reads these itself: no endpoint code in the services, as under Aspire.
            env[$"Kestrel__Endpoints__{endpoint.Name}__Url"] = endpoint.Url.ToString().TrimEnd('/');
            if (endpoint.Http2Only)
                env[$"Kestrel__Endpoints__{endpoint.Name}__Protocols"] = "Http2";
        }
        foreach (var callback in resource.EnvironmentCallbacks)
            callback(env);
        return env;
    }

    private async Task<bool> WaitUntilHealthyAsync(Task exited, CancellationToken stopping)
    {
        if (resource.HealthCheckPath is null || resource.HealthEndpointName is null)
            return true;

        var url = new Uri(resource.GetEndpoint(resource.HealthEndpointName).Url, resource.HealthCheckPath);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = timeProvider.GetUtcNow() + StartupTimeout;
        while (!exited.IsCompleted && !stopping.IsCancellationRequested && timeProvider.GetUtcNow() < deadline)
        {
            try
            {
                using var response = await http.GetAsync(url, stopping);
                if (response.IsSuccessStatusCode)
                    return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.WhenAny(exited, Task.Delay(HealthPollInterval, timeProvider, stopping));
        }
        return false;
    }

    private async Task StopProcessAsync(Process process)
    {
        try
        {
            if (process.HasExited)
                return;
            notifications.Update(resource.Name, s => s with { State = KnownResourceStates.Stopping });
            PosixSignals.TrySendTerminate(process.Id);
            using var timeout = new CancellationTokenSource(resource.ShutdownTimeout, timeProvider);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            logs.Append(resource.Name, $"did not stop within {resource.ShutdownTimeout.TotalSeconds:0}s; killing it", isStdErr: true);
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}

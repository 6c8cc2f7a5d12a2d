using System.Collections.Immutable;
using System.Diagnostics;
using LlamaSwap.AppHost.Hosting.ApplicationModel;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>
/// Keeps one project resource running: launches it with its environment, waits until it is
/// healthy, restarts it with backoff when it dies, and stops it (SIGTERM, then kill after the
/// resource's shutdown timeout) when asked. One runner owns its process; nothing else signals it.
/// The start, stop and restart commands change what the runner wants; its loop does the work.
/// </summary>
internal sealed class ResourceRunner(
    ProjectResource resource,
    IReadOnlyDictionary<string, string> sharedEnvironment,
    Func<OtlpExporterTarget?> otlpTarget,
    ResourceNotificationService notifications,
    ResourceLogService logs,
    TimeProvider timeProvider)
{
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    /// <summary>A run this long counts as stable: the next crash restarts without accumulated backoff.</summary>
    private static readonly TimeSpan StableRun = TimeSpan.FromSeconds(60);

    private const string SetSid = "/usr/bin/setsid";

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly TaskCompletionSource _firstHealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _wanted = true;
    /// <summary>Cancelled to end the current run (process or backoff wait) early: a stop or restart command.</summary>
    private CancellationTokenSource _interrupt = new();
    private TaskCompletionSource _runEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _startRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _launches;

    public ProjectResource Resource => resource;

    /// <summary>Completes when the resource first becomes healthy; faults if the runner stops before.</summary>
    public Task FirstHealthy => _firstHealthy.Task;

    public static ImmutableArray<string> Commands { get; } = [.. KnownResourceCommands.All];

    public void Start() => _loop = RunAsync(_disposing.Token);

    public async Task<ResourceCommandResult> ExecuteCommandAsync(string command, CancellationToken cancellationToken)
    {
        Task ended;
        lock (_gate)
        {
            switch (command)
            {
                case KnownResourceCommands.Start when _wanted:
                    return ResourceCommandResult.Failure($"'{resource.Name}' is already running (or restarting)");
                case KnownResourceCommands.Start:
                    _wanted = true;
                    _startRequested.TrySetResult();
                    return ResourceCommandResult.Success($"starting '{resource.Name}'");
                case KnownResourceCommands.Stop when !_wanted:
                    return ResourceCommandResult.Failure($"'{resource.Name}' is already stopped");
                case KnownResourceCommands.Stop:
                    _wanted = false;
                    break;
                case KnownResourceCommands.Restart:
                    _wanted = true;
                    _startRequested.TrySetResult();
                    break;
                default:
                    return ResourceCommandResult.Failure($"'{resource.Name}' has no command '{command}'; use {string.Join(", ", KnownResourceCommands.All)}");
            }
            ended = _runEnded.Task;
            _interrupt.Cancel();
        }

        // Returns once the old process is gone; a restart's new process then starts on its own.
        await ended.WaitAsync(cancellationToken);
        return ResourceCommandResult.Success(command == KnownResourceCommands.Stop ? $"stopped '{resource.Name}'" : $"restarting '{resource.Name}'");
    }

    public async Task StopAsync()
    {
        await _disposing.CancelAsync();
        if (_loop is not null)
            await _loop;
    }

    private async Task RunAsync(CancellationToken disposing)
    {
        var backoff = InitialBackoff;
        while (!disposing.IsCancellationRequested)
        {
            CancellationTokenSource interrupt;
            Task startRequested;
            bool wanted;
            lock (_gate)
            {
                wanted = _wanted;
                interrupt = _interrupt;
                startRequested = _startRequested.Task;
            }

            if (!wanted)
            {
                // Stopped by command: wait for start or restart.
                try
                {
                    await startRequested.WaitAsync(disposing);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                NextRun(resetStart: true);
                backoff = InitialBackoff;
                continue;
            }

            using var run = CancellationTokenSource.CreateLinkedTokenSource(disposing, interrupt.Token);
            var startedAt = timeProvider.GetUtcNow();
            var exitCode = await RunOnceAsync(run.Token);
            if (disposing.IsCancellationRequested)
                break;
            if (interrupt.IsCancellationRequested)
            {
                // Stopped or restarted by command: no backoff.
                NextRun(resetStart: false);
                backoff = InitialBackoff;
                continue;
            }

            if (timeProvider.GetUtcNow() - startedAt >= StableRun)
                backoff = InitialBackoff;
            logs.Append(resource.Name, $"exited with code {exitCode}; restarting in {backoff.TotalSeconds:0}s", isStdErr: true);
            try
            {
                await Task.Delay(backoff, timeProvider, run.Token);
            }
            catch (OperationCanceledException)
            {
                // A command or the shutdown interrupted the wait; the loop sorts out which.
            }
            if (interrupt.IsCancellationRequested)
                NextRun(resetStart: false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }

        _firstHealthy.TrySetException(new InvalidOperationException($"resource '{resource.Name}' stopped before it became healthy"));
        lock (_gate)
            _runEnded.TrySetResult();
    }

    /// <summary>Completes the current run for command waiters and arms the next one.</summary>
    private void NextRun(bool resetStart)
    {
        lock (_gate)
        {
            _runEnded.TrySetResult();
            _runEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_interrupt.IsCancellationRequested)
            {
                _interrupt.Dispose();
                _interrupt = new CancellationTokenSource();
            }
            if (resetStart || _startRequested.Task.IsCompleted)
                _startRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <returns>The exit code of the process, or -1 when it could not be started.</returns>
    private async Task<int> RunOnceAsync(CancellationToken stop)
    {
        Process process;
        Dictionary<string, string> environment;
        IReadOnlyList<string> arguments;
        try
        {
            environment = ProjectEnvironment.Build(resource, sharedEnvironment, otlpTarget());
            arguments = BuildArguments();
            process = Launch(environment, arguments);
        }
        catch (Exception ex) when (ex is FileNotFoundException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            logs.Append(resource.Name, $"failed to start: {ex.Message}", isStdErr: true);
            notifications.Update(resource.Name, s => s with { State = KnownResourceStates.FailedToStart, Healthy = false, Pid = null });
            return -1;
        }

        using (process)
        {
            var launches = Interlocked.Increment(ref _launches);
            notifications.Update(resource.Name, s => s with
            {
                State = KnownResourceStates.Starting, Healthy = false, Pid = process.Id, ExitCode = null,
                Restarts = launches - 1, StartedAt = timeProvider.GetUtcNow(), StoppedAt = null,
                Command = $"dotnet {resource.AssemblyName}.dll {string.Join(' ', arguments)}".TrimEnd(),
                Environment = environment.ToImmutableSortedDictionary(StringComparer.Ordinal),
                Commands = Commands,
            });

            using var stopRegistration = stop.Register(() => _ = StopProcessAsync(process));
            var exited = process.WaitForExitAsync(CancellationToken.None);
            if (await WaitUntilHealthyAsync(exited, stop))
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
    }

    private List<string> BuildArguments()
    {
        var arguments = new List<string>(ProjectEnvironment.EndpointArguments(resource));
        foreach (var callback in resource.ArgumentCallbacks)
            callback(arguments);
        return arguments;
    }

    private Process Launch(Dictionary<string, string> environment, IReadOnlyList<string> arguments)
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
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) logs.Append(resource.Name, e.Data, isStdErr: false); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logs.Append(resource.Name, e.Data, isStdErr: true); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<bool> WaitUntilHealthyAsync(Task exited, CancellationToken stop)
    {
        if (resource.HealthCheckPath is null || resource.HealthEndpointName is null)
            return !exited.IsCompleted;

        var url = new Uri(resource.GetEndpoint(resource.HealthEndpointName).Url, resource.HealthCheckPath);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = timeProvider.GetUtcNow() + StartupTimeout;
        while (!exited.IsCompleted && !stop.IsCancellationRequested && timeProvider.GetUtcNow() < deadline)
        {
            try
            {
                using var response = await http.GetAsync(url, stop);
                if (response.IsSuccessStatusCode)
                    return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            await Task.WhenAny(exited, Task.Delay(HealthPollInterval, timeProvider, CancellationToken.None));
        }
        if (!exited.IsCompleted && !stop.IsCancellationRequested)
            logs.Append(resource.Name, $"not healthy at {url} within {StartupTimeout.TotalSeconds:0}s", isStdErr: true);
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
            KillTree(process);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}

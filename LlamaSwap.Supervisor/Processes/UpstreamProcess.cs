using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Processes.Leftovers;
using LlamaSwap.Supervisor.Processes.Native;
using LlamaSwap.Supervisor.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// One model's upstream: spawns its command in a new process group, waits until it answers its check endpoint, and
/// stops the whole group. One instance drives at most one process.
/// </summary>
/// <remarks>
/// <para>Start: validate → refuse a port someone else listens on → spawn (output pumped into the log hub, a record in the
/// state file, a watchdog) → poll readiness, raced against the process exiting. Any failure after the spawn tears the
/// tree down before the exception reaches the caller, so a retry never meets a half-dead predecessor.</para>
/// <para>Teardown (stop, failed start, or the leader exiting on its own) runs once: <c>cmdStop</c> or SIGTERM to the
/// group, wait up to the graceful window for the leader and every non-zombie member to be gone, SIGKILL the group, wait
/// again (bounded), drain the output pipes (bounded, so a process that left the group but holds them cannot hang it),
/// release the watchdog, drop the state record. <see cref="Exited"/> and <see cref="StopAsync"/> complete only after
/// that, so when either completes the tree is gone and its port is free.</para>
/// </remarks>
internal sealed partial class UpstreamProcess : IUpstreamProcess
{
    private const string NoCheckEndpoint = "none";
    private const string PidPlaceholder = "${PID}";
    private const string PathVariable = "PATH";
    private const int TailBytes = 8 * 1024;
    private const int TailLines = 20;
    private const int ReadBufferBytes = 16 * 1024;
    private static readonly TimeSpan PortProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxGrace = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxTreePollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PumpCancelTimeout = TimeSpan.FromSeconds(1);

    private readonly ModelConfig _model;
    private readonly UpstreamProcessServices _services;
    private readonly UpstreamProcessOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly UpstreamLogWriter _log;
    private readonly OutputTail _tail = new(TailBytes);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _pumpCancel = new();
    private readonly Lock _gate = new();

    private int _startCalled;
    private ILaunchedProcess? _process;
    private Task _pumps = Task.CompletedTask;
    private UpstreamWatchdog? _watchdog;
    private Task? _teardown;
    private CancellationTokenSource? _graceCancel;
    private long _graceDeadline;
    private bool _stopRequested;

    public UpstreamProcess(ModelConfig model, UpstreamProcessServices services)
    {
        _model = model;
        _services = services;
        _options = services.Options;
        _time = services.Time;
        _logger = services.LoggerFactory.CreateLogger<UpstreamProcess>();
        _log = services.Logs.GetWriter(model.Id);
    }

    public string ModelId => _model.Id;

    public int? Pid { get; private set; }

    /// <summary>
    /// Completes with the leader's exit code (128 + signal when a signal ended it) once the leader has exited and the
    /// rest of its process group is gone too.
    /// </summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The watchdog guarding this upstream's group, if one runs (for diagnostics).</summary>
    internal int? WatchdogPid => _watchdog?.Pid;

    private bool SkipsReadinessCheck => string.Equals(_model.CheckEndpoint.Trim(), NoCheckEndpoint, StringComparison.Ordinal);

    public async Task StartAsync(IProgress<UpstreamStartProgress>? progress, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _startCalled, 1) != 0)
        {
            throw new InvalidOperationException($"the upstream process of model {ModelId} was already started; every start needs a new instance");
        }

        using var activity = SupervisorTelemetry.ActivitySource.StartActivity(SupervisorTelemetry.Spans.StartModel);
        activity?.SetTag(SupervisorTelemetry.Tags.Model, ModelId);
        if (_model.Port is { } port)
        {
            activity?.SetTag(SupervisorTelemetry.Tags.ServerPort, port);
        }

        var started = _time.GetTimestamp();
        var outcome = SupervisorTelemetry.Outcomes.Failed;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var plan = PrepareLaunch();
            await EnsurePortIsFreeAsync(cancellationToken).ConfigureAwait(false);
            var process = Spawn(plan);
            activity?.SetTag(SupervisorTelemetry.Tags.ProcessPid, process.Pid);
            progress?.Report(new UpstreamStartProgress(UpstreamStartPhase.Spawned, 0));
            await WaitUntilReadyAsync(process, progress, cancellationToken).ConfigureAwait(false);
            outcome = SupervisorTelemetry.Outcomes.Ready;
            LogReady(ModelId, process.Pid, _time.GetElapsedTime(started).TotalSeconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = SupervisorTelemetry.Outcomes.Cancelled;
            await AbandonStartAsync().ConfigureAwait(false);
            activity?.SetStatus(ActivityStatusCode.Error, "start cancelled");
            throw;
        }
        catch (Exception e)
        {
            await AbandonStartAsync().ConfigureAwait(false);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.SetTag(SupervisorTelemetry.Tags.ErrorType, e.GetType().FullName);
            LogStartFailed(ModelId, e.Message);
            if (e is UpstreamStartException)
            {
                throw;
            }

            throw new UpstreamStartException($"starting model {ModelId} failed: {e.Message}", e);
        }
        finally
        {
            activity?.SetTag(SupervisorTelemetry.Tags.Outcome, outcome);
            SupervisorTelemetry.ModelStartDuration.Record(
                _time.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(SupervisorTelemetry.Tags.Model, ModelId),
                new KeyValuePair<string, object?>(SupervisorTelemetry.Tags.Outcome, outcome));
        }
    }

    public async Task StopAsync(TimeSpan gracefulTimeout, CancellationToken cancellationToken)
    {
        var teardown = TearDownAsync(gracefulTimeout);
        if (!cancellationToken.CanBeCanceled)
        {
            await teardown.ConfigureAwait(false);
            return;
        }

        // Cancelling cuts the graceful window short; the call still returns only once the tree is gone.
        await using (cancellationToken.Register(static state => ((UpstreamProcess)state!).TearDownAsync(TimeSpan.Zero), this).ConfigureAwait(false))
        {
            await teardown.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        await TearDownAsync(TimeSpan.Zero).ConfigureAwait(false);
        ILaunchedProcess? process;
        lock (_gate)
        {
            process = _process;
        }

        process?.Dispose();
        _pumpCancel.Dispose();
        _graceCancel?.Dispose();
    }

    private LaunchPlan PrepareLaunch()
    {
        if (string.IsNullOrWhiteSpace(_model.Proxy))
        {
            throw new UpstreamStartException($"model {ModelId} has no proxy URL");
        }

        if (!SkipsReadinessCheck && !Uri.TryCreate(HealthUrl(), UriKind.Absolute, out _))
        {
            throw new UpstreamStartException($"model {ModelId}: '{HealthUrl()}' (proxy + checkEndpoint) is not a valid URL");
        }

        var argv = SplitCommand(_model.Cmd, "cmd");
        return argv.Count == 0
            ? throw new UpstreamStartException($"model {ModelId} has an empty cmd")
            : Plan(argv);
    }

    private IReadOnlyList<string> SplitCommand(string command, string field)
    {
        try
        {
            return _services.SplitCommand(command);
        }
        catch (Exception e) when (e is not UpstreamStartException)
        {
            throw new UpstreamStartException($"model {ModelId}: {field} cannot be split into arguments: {e.Message}", e);
        }
    }

    private LaunchPlan Plan(IReadOnlyList<string> argv)
    {
        var environment = EnvironmentEntries();
        var searchPath = environment.LastOrDefault(e => e.Key == PathVariable).Value ?? Environment.GetEnvironmentVariable(PathVariable);
        var executable = ExecutableResolver.Resolve(argv[0], searchPath, out var problem)
            ?? throw new UpstreamStartException($"failed to start command '{Display(argv)}' for model {ModelId}: {problem}");
        return new LaunchPlan(new ProcessLaunchSpec(executable, [.. argv.Skip(1)], environment), argv);
    }

    private List<KeyValuePair<string, string>> EnvironmentEntries()
    {
        var entries = new List<KeyValuePair<string, string>>(_model.Env.Length);
        foreach (var entry in _model.Env)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                LogIgnoredEnvironmentEntry(ModelId, entry);
                continue;
            }

            entries.Add(new(entry[..equals], entry[(equals + 1)..]));
        }

        return entries;
    }

    private async Task EnsurePortIsFreeAsync(CancellationToken cancellationToken)
    {
        if (_model.Port is not { } port || !await PortProbe.IsListeningAsync(port, PortProbeTimeout, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var holder = PortProbe.DescribeListener(port);
        throw new UpstreamStartException(
            $"port {port} for model {ModelId} is already in use by another process" + (holder is null ? "" : $" ({holder})"));
    }

    private ILaunchedProcess Spawn(LaunchPlan plan)
    {
        ILaunchedProcess process;
        try
        {
            process = _services.Launcher.Launch(plan.Spec);
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new UpstreamStartException($"failed to start command '{Display(plan.Argv)}' for model {ModelId}: {e.Message}", e);
        }

        lock (_gate)
        {
            _process = process;
        }

        Pid = process.Pid;
        // Long-lived background work must not inherit the "start model" span as its parent.
        using (ExecutionContext.SuppressFlow())
        {
            _pumps = Task.WhenAll(
                Task.Run(() => PumpAsync(process.StandardOutput, keepTail: true)),
                Task.Run(() => PumpAsync(process.StandardError, keepTail: true)));
        }

        var startTime = ProcStat.TryRead(process.Pid)?.StartTime ?? 0;
        _services.Registry.Add(new UpstreamRecord(ModelId, process.Pid, process.ProcessGroupId, startTime, _model.Port, plan.Argv, _time.GetUtcNow()));
        if (_options.EnableWatchdog)
        {
            _watchdog = UpstreamWatchdog.TryStart(_services.Launcher, process.ProcessGroupId, startTime, _logger);
        }

        LogSpawned(ModelId, process.Pid, Display(plan.Argv));

        // Watched only now, so a teardown triggered by an instant exit finds the record and the watchdog in place.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => WatchForExitAsync(process));
        }

        return process;
    }

    private async Task WaitUntilReadyAsync(ILaunchedProcess process, IProgress<UpstreamStartProgress>? progress, CancellationToken cancellationToken)
    {
        if (SkipsReadinessCheck)
        {
            return;
        }

        var url = new Uri(HealthUrl());
        using var activity = SupervisorTelemetry.ActivitySource.StartActivity(SupervisorTelemetry.Spans.ReadinessWait);
        activity?.SetTag(SupervisorTelemetry.Tags.Model, ModelId);
        var attempts = 0;
        long lastReport = 0;
        using var pollCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poll = _services.Readiness.WaitAsync(
            url,
            _model.HealthCheckTimeout,
            attempt =>
            {
                Volatile.Write(ref attempts, attempt);

                // Polls come every few milliseconds; their progress, only as often as a reader wants it.
                if (progress is null || (attempt > 1 && _time.GetElapsedTime(lastReport) < _options.ReadinessProgressInterval))
                    return;
                lastReport = _time.GetTimestamp();
                progress.Report(new UpstreamStartProgress(UpstreamStartPhase.WaitingForReady, attempt));
            },
            pollCancel.Token);
        try
        {
            // The process exiting ends the wait at once, not at the health timeout.
            if (await Task.WhenAny(poll, process.Exited).ConfigureAwait(false) != poll)
            {
                await pollCancel.CancelAsync().ConfigureAwait(false);
                await poll.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                throw await PrematureExitAsync(process).ConfigureAwait(false);
            }

            var result = await poll.ConfigureAwait(false);
            if (!result.Ready)
            {
                LogHealthCheckTimedOut(ModelId, url, result.Attempts, result.LastFailure);
                await TearDownAsync(_options.StartAbortGracePeriod).ConfigureAwait(false);
                throw new UpstreamStartException(
                    $"health check for model {ModelId} timed out after {DurationText.Format(_model.HealthCheckTimeout)} ({url}: {result.LastFailure})");
            }

            LogHealthCheckPassed(ModelId, url, result.Attempts);
        }
        finally
        {
            activity?.SetTag(SupervisorTelemetry.Tags.ReadinessAttempts, Volatile.Read(ref attempts));
        }
    }

    private async Task<UpstreamStartException> PrematureExitAsync(ILaunchedProcess process)
    {
        // Wait for the teardown the exit triggered, so the output pipes are drained and the tail is complete.
        await TearDownAsync(_options.StartAbortGracePeriod).ConfigureAwait(false);
        var code = await process.Exited.ConfigureAwait(false);
        var lines = _tail.LastLines(TailLines);
        var message = string.Create(CultureInfo.InvariantCulture, $"upstream command for model {ModelId} exited prematurely with code {code}");
        return new UpstreamStartException(lines.Count == 0 ? message : message + "; last output:\n" + string.Join('\n', lines));
    }

    private async Task AbandonStartAsync()
    {
        bool spawned;
        lock (_gate)
        {
            spawned = _process is not null;
        }

        if (spawned)
        {
            await TearDownAsync(_options.StartAbortGracePeriod).ConfigureAwait(false);
        }
    }

    private async Task WatchForExitAsync(ILaunchedProcess process)
    {
        var code = await process.Exited.ConfigureAwait(false);
        bool expected;
        lock (_gate)
        {
            expected = _stopRequested;
        }

        if (!expected)
        {
            LogExitedOnItsOwn(ModelId, process.Pid, code);
        }

        // Whatever the leader left behind in its group goes too, before Exited reports the process gone.
        await TearDownAsync(_options.OrphanGracePeriod).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the teardown, or joins the one running; a shorter <paramref name="grace"/> than the running one's brings
    /// its SIGKILL forward. Never throws.
    /// </summary>
    private Task TearDownAsync(TimeSpan grace)
    {
        grace = grace < TimeSpan.Zero ? TimeSpan.Zero : grace > MaxGrace ? MaxGrace : grace;
        var deadline = _time.GetTimestamp() + (long)(grace.TotalSeconds * _time.TimestampFrequency);
        CancellationTokenSource? shorten = null;
        Task teardown;
        lock (_gate)
        {
            if (_process is not { } process)
            {
                return Task.CompletedTask;
            }

            _stopRequested = true;
            if (_teardown is null)
            {
                _graceCancel = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
                _graceDeadline = deadline;
                var graceToken = _graceCancel.Token;
                _teardown = Task.Run(() => TearDownCoreAsync(process, graceToken));
                shorten = _graceCancel;
            }
            else if (deadline < _graceDeadline)
            {
                _graceDeadline = deadline;
                shorten = _graceCancel;
            }

            teardown = _teardown;
        }

        if (shorten is not null)
        {
            try
            {
                if (grace == TimeSpan.Zero)
                {
                    _ = shorten.CancelAsync();
                }
                else
                {
                    shorten.CancelAfter(grace);
                }
            }
            catch (ObjectDisposedException)
            {
                // Disposed: the teardown finished long ago.
            }
        }

        return teardown;
    }

    private async Task TearDownCoreAsync(ILaunchedProcess process, CancellationToken graceToken)
    {
        var started = _time.GetTimestamp();
        using var activity = SupervisorTelemetry.ActivitySource.StartActivity(SupervisorTelemetry.Spans.StopModel);
        activity?.SetTag(SupervisorTelemetry.Tags.Model, ModelId);
        activity?.SetTag(SupervisorTelemetry.Tags.ProcessPid, process.Pid);
        var mode = SupervisorTelemetry.StopModes.AlreadyExited;
        var treeGone = true;
        try
        {
            StopCommand? stopCommand = null;
            if (process.IsTreeAlive())
            {
                mode = SupervisorTelemetry.StopModes.Graceful;
                if (!graceToken.IsCancellationRequested)
                {
                    stopCommand = SendGracefulStop(process);
                }

                if (!await WaitForTreeExitAsync(process, graceToken).ConfigureAwait(false))
                {
                    mode = SupervisorTelemetry.StopModes.Forced;
                    LogKilling(ModelId, process.ProcessGroupId);
                    process.Signal(TreeSignal.Kill);
                    using var bound = new CancellationTokenSource(_options.KillWaitTimeout, _time);
                    treeGone = await WaitForTreeExitAsync(process, bound.Token).ConfigureAwait(false);
                    if (!treeGone)
                    {
                        LogTreeSurvivedKill(ModelId, process.ProcessGroupId, DurationText.Format(_options.KillWaitTimeout));
                    }
                }
            }

            if (stopCommand is not null)
            {
                await FinishStopCommandAsync(stopCommand).ConfigureAwait(false);
            }

            await DrainOutputAsync(_pumps).ConfigureAwait(false);
            if (_watchdog is { } watchdog)
            {
                await watchdog.ReleaseAsync().ConfigureAwait(false);
            }

            if (process.Exited.IsCompleted)
            {
                // Everything of the process is over; release its handles now rather than waiting for DisposeAsync.
                process.Dispose();
            }

            if (treeGone)
            {
                // A tree that outlived SIGKILL stays recorded, so the next Supervisor start tries again.
                _services.Registry.Remove(process.Pid);
            }
        }
        catch (Exception e)
        {
            LogTeardownFailed(ModelId, process.Pid, e);
        }
        finally
        {
            var elapsed = _time.GetElapsedTime(started);
            activity?.SetTag(SupervisorTelemetry.Tags.StopMode, mode);
            activity?.SetTag(SupervisorTelemetry.Tags.StopDurationSeconds, elapsed.TotalSeconds);
            SupervisorTelemetry.ModelStopDuration.Record(
                elapsed.TotalSeconds,
                new KeyValuePair<string, object?>(SupervisorTelemetry.Tags.Model, ModelId),
                new KeyValuePair<string, object?>(SupervisorTelemetry.Tags.StopMode, mode));
            LogStopped(ModelId, process.Pid, mode, elapsed.TotalSeconds);
            _ = process.Exited.ContinueWith(
                t => _exited.TrySetResult(t.Result),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
        }
    }

    /// <summary><c>cmdStop</c> (with <c>${PID}</c> and the model's env) when configured, else SIGTERM to the group.</summary>
    private StopCommand? SendGracefulStop(ILaunchedProcess process)
    {
        if (string.IsNullOrWhiteSpace(_model.CmdStop))
        {
            process.Signal(TreeSignal.Terminate);
            return null;
        }

        try
        {
            var pid = process.Pid.ToString(CultureInfo.InvariantCulture);
            var argv = SplitCommand(_model.CmdStop, "cmdStop").Select(a => a.Replace(PidPlaceholder, pid, StringComparison.Ordinal)).ToArray();
            if (argv.Length == 0)
            {
                process.Signal(TreeSignal.Terminate);
                return null;
            }

            var plan = Plan(argv);
            var stop = _services.Launcher.Launch(plan.Spec);
            LogRunningStopCommand(ModelId, Display(argv), stop.Pid);
            return new StopCommand(stop, Task.WhenAll(PumpAsync(stop.StandardOutput, keepTail: false), PumpAsync(stop.StandardError, keepTail: false)));
        }
        catch (Exception e) when (e is UpstreamStartException or Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogStopCommandFailed(ModelId, e.Message);
            process.Signal(TreeSignal.Terminate);
            return null;
        }
    }

    private async Task FinishStopCommandAsync(StopCommand stop)
    {
        using (var bound = new CancellationTokenSource(_options.KillWaitTimeout, _time))
        {
            if (!await WaitForTreeExitAsync(stop.Process, bound.Token).ConfigureAwait(false))
            {
                // The upstream is gone; a stop command still running (a hung `docker stop`) has nothing left to do.
                stop.Process.Signal(TreeSignal.Kill);
                using var killBound = new CancellationTokenSource(_options.KillWaitTimeout, _time);
                await WaitForTreeExitAsync(stop.Process, killBound.Token).ConfigureAwait(false);
            }
        }

        if (stop.Process.Exited is { IsCompletedSuccessfully: true, Result: not 0 and var code })
        {
            LogStopCommandExitCode(ModelId, code);
        }

        await DrainOutputAsync(stop.Pumps).ConfigureAwait(false);
        stop.Process.Dispose();
    }

    /// <summary>True once the leader has exited and no live member of its group remains; false when the token fires first.</summary>
    private async Task<bool> WaitForTreeExitAsync(ILaunchedProcess process, CancellationToken cancellationToken)
    {
        try
        {
            await process.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
            var interval = TimeSpan.FromMilliseconds(1);
            while (process.IsTreeAlive())
            {
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxTreePollInterval.Ticks));
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return !process.IsTreeAlive();
        }
    }

    private async Task DrainOutputAsync(Task pumps)
    {
        try
        {
            await pumps.WaitAsync(_options.PipeDrainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogPipesHeld(ModelId, DurationText.Format(_options.PipeDrainTimeout));
            await _pumpCancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await pumps.WaitAsync(PumpCancelTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Disposing the process closes the pipes; nothing else can be done.
            }
        }
    }

    private async Task PumpAsync(Stream stream, bool keepTail)
    {
        var buffer = new byte[ReadBufferBytes];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _pumpCancel.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                _log.Write(buffer.AsSpan(0, read));
                if (keepTail)
                {
                    _tail.Append(buffer.AsSpan(0, read));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Cancelled after the drain timeout, or the pipe went away with the process.
        }
    }

    private string HealthUrl() => _model.Proxy.TrimEnd('/') + "/" + _model.CheckEndpoint.Trim().TrimStart('/');

    private static string Display(IReadOnlyList<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"'{a}'" : a));

    private sealed record LaunchPlan(ProcessLaunchSpec Spec, IReadOnlyList<string> Argv);

    private sealed record StopCommand(ILaunchedProcess Process, Task Pumps);
}

using System.Diagnostics;
using LlamaSwap.Supervisor.Processes;

namespace LlamaSwap.Supervisor.Scheduling;

// Processes: swaps advance as their evictions finish; starts and stops run as tasks whose outcomes
// come back as commands; leases, crashes and TTL timers feed back into the same loop.
internal sealed partial class ModelScheduler
{
    private enum StopReason { Evicted, Unloaded, Ttl, Drained, Crashed, StartFailed, Shutdown }

    /// <summary>Starts the target once every evicted model and the target itself are stopped.</summary>
    private void AdvanceSwap(Swap swap)
    {
        if (swap.Evict.Any(e => e.Phase != ModelState.Stopped))
            return;
        if (swap.StartPhaseTimestamp is null)
        {
            swap.StartPhaseTimestamp = _time.GetTimestamp();
            _telemetry.RecordSwapPhase(SchedulerTelemetry.Names.PhaseStop, swap.Target.Id, _time.GetElapsedTime(swap.StartedTimestamp));
        }

        switch (swap.Target.Phase)
        {
            case ModelState.Stopped:
                BeginStart(swap);
                break;
            case ModelState.Ready:
                // Only evictions were needed (a running model of an exclusive group evicting a
                // non-exclusive group): nothing to start.
                CompleteSwap(swap, null);
                break;
        }
    }

    private void BeginStart(Swap swap)
    {
        var slot = swap.Target;
        IUpstreamProcess process;
        try
        {
            process = _processes.Create(slot.Config);
        }
#pragma warning disable CA1031 // Whatever the factory throws is this model's start failure, reported to its waiters.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RecordStartFailure(slot, ex.Message);
            CompleteSwap(swap, new ModelStartFailedException(slot.Id, ex.Message));
            return;
        }

        var generation = slot.BeginProcess(process);
        var abort = new CancellationTokenSource();
        slot.StartAbort = abort;
        var progress = new LoopProgress(this, slot, generation);
        Log.Starting(_logger, slot.Id);
        slot.StartTask = Task.Run(() => RunStartAsync(slot, generation, process, progress, abort.Token, swap.Activity));
    }

    /// <summary>Runs off the loop. Never throws: its outcome is the command it posts.</summary>
    private async Task RunStartAsync(
        ModelSlot slot, int generation, IUpstreamProcess process, IProgress<UpstreamStartProgress> progress,
        CancellationToken abort, Activity? swapActivity)
    {
        Activity.Current = swapActivity;
        var deadline = slot.Config.HealthCheckTimeout + _options.AbandonGrace;
        // Both clocks run from here, before the process is spawned, so neither bound stretches while StartAsync runs.
        using var timeout = new CancellationTokenSource(deadline, _time);
        using var abandon = new CancellationTokenSource(deadline + _options.AbandonGrace, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        Exception? error = null;
        try
        {
            await process.StartAsync(progress, linked.Token).WaitAsync(abandon.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            error = new UpstreamStartException($"the start did not end within {(deadline + _options.AbandonGrace).TotalSeconds:0.#} s and was abandoned");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            error = new UpstreamStartException($"not ready after {deadline.TotalSeconds:0.#} s");
        }
#pragma warning disable CA1031 // Every failure becomes the reason the waiters receive.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        Post(new StartCompletedCommand(slot, generation, error));
    }

    private void OnStartProgress(StartProgressCommand c)
    {
        if (c.Generation != c.Slot.Generation || c.Slot.Phase != ModelState.Starting || SwapFor(c.Slot) is not { } swap)
            return;
        if (c.Progress.Phase != UpstreamStartPhase.WaitingForReady)
            return;
        swap.Progress = new AcquireProgress.WaitingForReady(c.Progress.Attempt);
        foreach (var waiter in swap.Waiters)
            waiter.Report(swap.Progress);
    }

    private void OnStartCompleted(StartCompletedCommand c)
    {
        var slot = c.Slot;
        // A stop that took over (unload, shutdown) answers for this start.
        if (c.Generation != slot.Generation || slot.Phase != ModelState.Starting)
            return;

        var swap = SwapFor(slot);
        if (c.Error is null)
        {
            slot.Phase = ModelState.Ready;
            slot.Pid = slot.Process!.Pid;
            slot.LastUsed = Now;
            slot.CooldownUntil = DateTimeOffset.MinValue;
            slot.LastFailure = null;
            _ = ObserveExitAsync(slot, c.Generation, slot.Process);
            Log.Ready(_logger, slot.Id, slot.Pid);
            if (swap is not null)
                CompleteSwap(swap, null);
            OnMaybeIdle(slot);
            return;
        }

        var reason = c.Error switch
        {
            UpstreamStartException or TimeoutException => c.Error.Message,
            OperationCanceledException => "the start was aborted",
            _ => $"unexpected error: {c.Error.Message}",
        };
        RecordStartFailure(slot, reason);
        if (swap is not null)
            CompleteSwap(swap, new ModelStartFailedException(slot.Id, reason));

        // The process promises a dead tree after a failed start; stop it anyway so nothing can leak.
        BeginStop(slot, TimeSpan.Zero, StopReason.StartFailed);
    }

    private void RecordStartFailure(ModelSlot slot, string reason)
    {
        Log.StartFailed(_logger, slot.Id, reason);
        slot.LastFailure = reason;
        slot.CooldownUntil = Now + _options.StartFailureCooldown;
    }

    /// <summary>Ends a swap: every waiter gets a lease, or every waiter gets the error.</summary>
    private void CompleteSwap(Swap swap, SchedulerException? error)
    {
        _swaps.Remove(swap);
        if (swap.StartPhaseTimestamp is { } started)
            _telemetry.RecordSwapPhase(SchedulerTelemetry.Names.PhaseStart, swap.Target.Id, _time.GetElapsedTime(started));
        SchedulerTelemetry.EndSwap(swap.Activity, error?.Message);
        foreach (var waiter in swap.Waiters.ToArray())
        {
            if (error is null)
                Grant(waiter);
            else
                Fail(waiter, error);
        }
    }

    /// <summary>
    /// Moves a starting or ready model to Stopping and stops its process in a task: an aborted start is
    /// awaited first (start and stop never overlap), then the process gets <paramref name="graceful"/>
    /// before it is killed. A no-op for a model already stopping or stopped.
    /// </summary>
    private void BeginStop(ModelSlot slot, TimeSpan graceful, StopReason reason)
    {
        if (slot.Phase is ModelState.Stopped or ModelState.Stopping)
            return;
        var wasStarting = slot.Phase == ModelState.Starting;
        slot.Phase = ModelState.Stopping;
        DisarmTtl(slot);
        if (wasStarting)
        {
            _ = slot.StartAbort?.CancelAsync();
            // Callers answer the waiters first; this only guards against leaving any behind.
            if (SwapFor(slot) is { } orphan)
                CompleteSwap(orphan, new ModelUnloadedException(slot.Id, "was stopped while starting"));
        }

        Log.Stopping(_logger, slot.Id, reason.ToString(), graceful.TotalSeconds);
        var (process, start, generation) = (slot.Process!, slot.StartTask, slot.Generation);
        _ = Task.Run(() => RunStopAsync(slot, generation, process, start, graceful));
    }

    /// <summary>Runs off the loop. Never throws: its outcome is the command it posts.</summary>
    private async Task RunStopAsync(ModelSlot slot, int generation, IUpstreamProcess process, Task? start, TimeSpan graceful)
    {
        Exception? error = null;
        try
        {
            if (start is not null)
                await start.WaitAsync(_options.AbandonGrace, _time).ConfigureAwait(false);
            var deadline = graceful + _options.AbandonGrace;
            using var timeout = new CancellationTokenSource(deadline, _time);
            await process.StopAsync(graceful, timeout.Token).WaitAsync(deadline, _time).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed stop is logged; the model is treated as gone so nothing waits forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        try
        {
            await process.DisposeAsync().AsTask().WaitAsync(_options.AbandonGrace, _time).ConfigureAwait(false);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error ??= ex;
        }

        Post(new StopCompletedCommand(slot, generation, error));
    }

    private void OnStopCompleted(StopCompletedCommand c)
    {
        var slot = c.Slot;
        if (c.Generation != slot.Generation || slot.Phase != ModelState.Stopping)
            return;
        if (c.Error is not null)
            Log.StopFailed(_logger, slot.Id, c.Error.Message);
        else
            Log.Stopped(_logger, slot.Id);

        slot.EndProcess();
        RevokeLeases(slot, LeaseEndReason.Stopped);
        foreach (var waiter in slot.StopWaiters)
            waiter.TrySetResult();
        slot.StopWaiters.Clear();
        slot.UnloadRequested = false;
        if (slot.NextConfig is { } next)
        {
            slot.Config = next;
            slot.NextConfig = null;
        }

        if (slot.Retired)
            _retiring.Remove(slot);
        foreach (var swap in _swaps.ToArray())
            AdvanceSwap(swap);
    }

    private async Task ObserveExitAsync(ModelSlot slot, int generation, IUpstreamProcess process)
    {
        int code;
        try
        {
            code = await process.Exited.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // However the exit is reported, the process is gone.
        catch (Exception)
#pragma warning restore CA1031
        {
            code = -1;
        }

        Post(new ProcessExitedCommand(slot, generation, code));
    }

    /// <summary>The process died on its own: its leases end, it is cleaned up, the next request restarts it.</summary>
    private void OnProcessExited(ProcessExitedCommand c)
    {
        var slot = c.Slot;
        if (c.Generation != slot.Generation || slot.Phase != ModelState.Ready)
            return;
        Log.Crashed(_logger, slot.Id, c.ExitCode);
        RevokeLeases(slot, LeaseEndReason.ProcessExited);
        BeginStop(slot, TimeSpan.Zero, StopReason.Crashed);
    }

    private void Release(Lease lease)
    {
        var slot = lease.Slot;
        if (!slot.Leases.Remove(lease))
            return;
        slot.LastUsed = Now;
        OnMaybeIdle(slot);
    }

    private static void RevokeLeases(ModelSlot slot, LeaseEndReason reason)
    {
        foreach (var lease in slot.Leases)
            lease.Revoke(reason);
        slot.Leases.Clear();
    }

    /// <summary>A ready model just lost its last lease or waiter: drain-stop it, or start its TTL clock.</summary>
    private void OnMaybeIdle(ModelSlot slot)
    {
        if (slot.Phase != ModelState.Ready || slot.Leases.Count > 0)
            return;
        if (slot.StopWhenIdle)
            BeginStop(slot, slot.Config.UnloadTimeout, StopReason.Drained);
        else if (slot.Pending == 0)
            ArmTtl(slot);
    }

    /// <summary>TTL counts from the end of the last lease (or from ready, if none came).</summary>
    private void ArmTtl(ModelSlot slot)
    {
        if (slot.Config.Ttl is not { } ttl || ttl <= TimeSpan.Zero || slot.LastUsed is not { } lastUsed)
            return;
        var deadline = lastUsed + ttl;
        if (slot.TtlTimer is not null && slot.TtlDeadline == deadline)
            return;
        DisarmTtl(slot);
        var generation = ++slot.TtlGeneration;
        slot.TtlDeadline = deadline;
        var due = deadline - Now;
        slot.TtlTimer = _time.CreateTimer(
            static state =>
            {
                var (scheduler, slot, generation) = ((ModelScheduler, ModelSlot, int))state!;
                scheduler.Post(new TtlExpiredCommand(slot, generation));
            },
            (this, slot, generation),
            due > TimeSpan.Zero ? due : TimeSpan.Zero,
            Timeout.InfiniteTimeSpan);
    }

    private static void DisarmTtl(ModelSlot slot)
    {
        slot.TtlTimer?.Dispose();
        slot.TtlTimer = null;
        slot.TtlDeadline = null;
        slot.TtlGeneration++;
    }

    /// <summary>Re-checked here, not trusted from when the timer was set: a request may have arrived since.</summary>
    private void OnTtlExpired(TtlExpiredCommand c)
    {
        var slot = c.Slot;
        if (c.TimerGeneration != slot.TtlGeneration)
            return;
        DisarmTtl(slot);
        if (slot.Phase != ModelState.Ready || slot.Leases.Count > 0 || slot.Pending > 0 || SwapFor(slot) is not null)
            return;
        if (slot.Config.Ttl is not { } ttl || Now < slot.LastUsed + ttl)
        {
            ArmTtl(slot);
            return;
        }

        Log.TtlReached(_logger, slot.Id, ttl.TotalSeconds);
        BeginStop(slot, slot.Config.UnloadTimeout, StopReason.Ttl);
    }

    /// <summary>Forwards a process's start progress into the loop, tagged with the process it belongs to.</summary>
    private sealed class LoopProgress(ModelScheduler scheduler, ModelSlot slot, int generation) : IProgress<UpstreamStartProgress>
    {
        public void Report(UpstreamStartProgress value) => scheduler.Post(new StartProgressCommand(slot, generation, value));
    }
}

using System.Collections.Immutable;
using LlamaSwap.Supervisor.Planning;

namespace LlamaSwap.Supervisor.Scheduling;

// A request's path: Admit → TryAdvance → (grant | join a swap | start a swap | fail | wait in the queue),
// and Dispatch re-runs TryAdvance for every queued request after every command.
internal sealed partial class ModelScheduler
{
    private void Admit(Ticket ticket)
    {
        if (ticket.Result.IsCompleted)
        {
            // Cancelled before the loop saw it: nothing was reserved.
            ticket.Settled = true;
            return;
        }

        if (_shuttingDown)
        {
            Reject(ticket, new SchedulerShutdownException());
            return;
        }

        var id = _config.ResolveModelId(ticket.RequestedModel);
        if (id is null || !_slots.TryGetValue(id, out var slot))
        {
            Reject(ticket, new UnknownModelException(ticket.RequestedModel));
            return;
        }

        // Queued, waiting on a start and being served all count, so a queue cannot grow past the limit.
        if (slot.Admitted >= slot.ConcurrencyLimit)
        {
            Reject(ticket, new ModelOverCapacityException(slot.Id, slot.ConcurrencyLimit));
            return;
        }

        ticket.Admit(slot, _config.Routing.Priorities.GetValueOrDefault(slot.Id), Now, _time.GetTimestamp());
        slot.Pending++;
        if (!TryAdvance(ticket))
            _queue.Enqueue(ticket);
    }

    /// <summary>Re-examines the queue in service order; the starving request, if any, goes first.</summary>
    private void Dispatch()
    {
        if (_queue.Count > 0)
        {
            if (StarvingTicket() is { } starving)
                TryAdvance(starving);
            foreach (var ticket in _queue.InOrder())
            {
                if (!ticket.Settled && ticket.Swap is null)
                    TryAdvance(ticket);
            }
        }

        var position = 0;
        foreach (var ticket in _queue.InOrder())
        {
            position++;
            if (ticket.ReportedPosition != position)
            {
                ticket.ReportedPosition = position;
                ticket.Report(new AcquireProgress.Queued(position));
            }
        }
    }

    /// <summary>
    /// Moves an admitted request on as far as it can go now. Returns false when it must wait; then it
    /// is (or stays) in the queue, and some later command will change what blocks it.
    /// </summary>
    private bool TryAdvance(Ticket ticket)
    {
        var slot = ticket.Slot!;

        // Draining for an unload or reload: no new leases; the request starts the model afresh after the stop.
        if (slot.StopWhenIdle)
            return false;

        if (slot.Phase is ModelState.Stopped or ModelState.Stopping && Now < slot.CooldownUntil)
        {
            Fail(ticket, new ModelStartFailedException(slot.Id, slot.LastFailure ?? "unknown error"));
            return true;
        }

        // Null unless another model's request has waited past the starvation bound.
        var guarded = StarvationGuard(ticket);
        if (SwapFor(slot) is { } swap)
        {
            if (guarded?.Contains(slot) == true)
                return false;
            Join(ticket, swap);
            return true;
        }

        var evict = PlanEviction(slot);
        if (_swaps.Any(s => s.CollidesWith(slot, evict)))
            return false;
        if (slot.Phase == ModelState.Ready && evict.IsEmpty)
        {
            if (guarded?.Contains(slot) == true)
                return false;
            Grant(ticket);
            return true;
        }

        // While a request starves, only it may start a swap: that keeps the running set from growing
        // under it, so what it must evict can only shrink and its wait stays bounded.
        if (guarded is not null)
            return false;

        // Never stop a model that is serving: the swap waits until its leases end.
        if (evict.Any(e => e.Leases.Count > 0))
            return false;

        StartSwap(ticket, evict);
        return true;
    }

    /// <summary>
    /// The first queued request (in service order) that has waited at least the starvation bound, once
    /// the bound is enabled. At most one request is protected at a time.
    /// </summary>
    private Ticket? StarvingTicket()
    {
        var bound = _config.Routing.StarvationBound;
        return bound > TimeSpan.Zero ? _queue.FirstAdmittedBy(Now - bound) : null;
    }

    /// <summary>
    /// What a starving request protects: its target and the models it must evict. Other requests may
    /// not take a lease on or join a start of any of them, so the starving request's swap goes ahead as
    /// soon as the current leases end. Null when nothing starves, or for the starving request itself and
    /// requests for the same model (they need the same thing).
    /// </summary>
    private ImmutableHashSet<ModelSlot>? StarvationGuard(Ticket ticket)
    {
        var starving = StarvingTicket();
        if (starving is null || starving == ticket || starving.Slot == ticket.Slot)
            return null;
        return [starving.Slot!, .. PlanEviction(starving.Slot!)];
    }

    /// <summary>
    /// Asks the planner what must stop for <paramref name="target"/>. The running set holds every
    /// process that is starting, ready or stopping, and the targets of swaps in flight; the target is
    /// in it only when it is starting or ready (a stopping target is planned as if stopped, because it
    /// will be started again).
    /// </summary>
    private ImmutableArray<ModelSlot> PlanEviction(ModelSlot target)
    {
        var running = new List<RunningModel>();
        var byId = new Dictionary<string, ModelSlot>(StringComparer.Ordinal);
        foreach (var slot in AllSlots().OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var inSwap = SwapFor(slot) is not null;
            var occupies = slot.Phase is ModelState.Starting or ModelState.Ready
                || (slot != target && (slot.Phase == ModelState.Stopping || inSwap));
            if (!occupies || !byId.TryAdd(slot.Id, slot))
                continue;
            var inUse = slot.Leases.Count > 0 || slot.Pending > 0 || inSwap;
            running.Add(new RunningModel(slot.Id, slot.LastUsed ?? DateTimeOffset.MinValue, inUse));
        }

        return [.. _planner.EvictionFor(target.Id, running).Where(id => id != target.Id).Select(id => byId[id])];
    }

    private Swap? SwapFor(ModelSlot slot) => _swaps.Find(s => s.Target == slot);

    private void Join(Ticket ticket, Swap swap)
    {
        _queue.Remove(ticket);
        ticket.Swap = swap;
        swap.Waiters.Add(ticket);
        ticket.Report(swap.Progress);
    }

    private void StartSwap(Ticket ticket, ImmutableArray<ModelSlot> evict)
    {
        var target = ticket.Slot!;
        var evicted = evict.Select(e => e.Id).ToArray();
        var swap = new Swap(target, evict, _telemetry.StartSwap(target.Id, evicted, ticket.Trace), _time.GetTimestamp());
        _swaps.Add(swap);
        Log.SwapStarted(_logger, target.Id, string.Join(",", evicted));
        Join(ticket, swap);

        // The stop tasks capture the ambient activity: their "stop model" spans belong to this swap's trace.
        var ambient = System.Diagnostics.Activity.Current;
        System.Diagnostics.Activity.Current = swap.Activity;
        foreach (var slot in evict)
        {
            if (slot.Phase == ModelState.Ready)
                BeginStop(slot, slot.Config.UnloadTimeout, StopReason.Evicted);
        }

        System.Diagnostics.Activity.Current = ambient;

        AdvanceSwap(swap);
    }

    /// <summary>Hands a lease to the request; counts it only if the caller was still there to take it.</summary>
    private void Grant(Ticket ticket)
    {
        var slot = ticket.Slot!;
        var lease = new Lease(slot, l => Post(new ReleaseCommand(l)));
        var taken = ticket.TryGrant(lease);
        if (taken)
        {
            slot.Leases.Add(lease);
            DisarmTtl(slot);
        }

        Settle(ticket, taken ? SchedulerTelemetry.Names.Granted : SchedulerTelemetry.Names.Cancelled);
        OnMaybeIdle(slot);
    }

    private void Fail(Ticket ticket, Exception error)
    {
        ticket.TryFail(error);
        Settle(ticket, SchedulerTelemetry.Names.Failed);
        OnMaybeIdle(ticket.Slot!);
    }

    /// <summary>The caller's token fired: drop the request wherever it waits and free its reservation.</summary>
    private void Withdraw(Ticket ticket)
    {
        if (ticket.Settled)
            return;
        Settle(ticket, SchedulerTelemetry.Names.Cancelled);
        OnMaybeIdle(ticket.Slot!);
    }

    /// <summary>Refuses a request before admission: nothing was reserved for it.</summary>
    private static void Reject(Ticket ticket, Exception error)
    {
        ticket.TryFail(error);
        ticket.Settled = true;
    }

    /// <summary>The one place an admitted request stops counting as pending (exactly once).</summary>
    private void Settle(Ticket ticket, string outcome)
    {
        if (ticket.Settled)
            return;
        ticket.Settled = true;
        _queue.Remove(ticket);
        ticket.Swap?.Waiters.Remove(ticket);
        ticket.Slot!.Pending--;
        _telemetry.RecordWait(ticket.Slot.Id, outcome, _time.GetElapsedTime(ticket.AdmittedTimestamp));
    }
}

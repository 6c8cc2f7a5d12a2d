using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Planning;

namespace LlamaSwap.Supervisor.Scheduling;

// Operator actions: unload, configuration reload, shutdown.
internal sealed partial class ModelScheduler
{
    private void Unload(UnloadCommand c)
    {
        if (_shuttingDown)
        {
            c.Reply.TrySetException(new SchedulerShutdownException());
            return;
        }

        var targets = new List<ModelSlot>();
        if (c.ModelIds is not { } ids)
        {
            targets.AddRange(AllSlots());
        }
        else
        {
            foreach (var name in ids)
            {
                var id = _config.ResolveModelId(name);
                if (id is null || !_slots.TryGetValue(id, out var slot))
                {
                    c.Reply.TrySetException(new UnknownModelException(name));
                    return;
                }

                targets.Add(slot);
            }
        }

        var stopped = new List<Task>();
        foreach (var slot in targets)
        {
            FailWaiters(slot, new ModelUnloadedException(slot.Id, "was unloaded"));
            if (c.Hard)
            {
                slot.CooldownUntil = DateTimeOffset.MinValue;
                slot.LastFailure = null;
            }

            if (slot.Phase == ModelState.Stopped)
                continue;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            slot.StopWaiters.Add(waiter);
            stopped.Add(waiter.Task);
            if (c.Hard || slot.Leases.Count == 0)
            {
                RevokeLeases(slot, LeaseEndReason.Unloaded);
                BeginStop(slot, slot.Config.UnloadTimeout, StopReason.Unloaded);
            }
            else
            {
                slot.UnloadRequested = true;
            }
        }

        c.Reply.TrySetResult(Task.WhenAll(stopped));
    }

    /// <summary>Answers every request waiting for this model (on its swap or in the queue) with the error.</summary>
    private void FailWaiters(ModelSlot slot, SchedulerException error)
    {
        if (SwapFor(slot) is { } swap)
            CompleteSwap(swap, error);
        foreach (var ticket in _queue.InOrder())
        {
            if (ticket.Slot == slot)
                Fail(ticket, error);
        }
    }

    private void ApplyConfig(ApplyConfigCommand c)
    {
        if (_shuttingDown)
        {
            c.Reply.TrySetException(new SchedulerShutdownException());
            return;
        }

        var config = c.Config;
        foreach (var slot in _slots.Values.ToArray())
        {
            if (config.Models.TryGetValue(slot.Id, out var model) && !model.IsEndpoint)
                Reconfigure(slot, model);
            else
                Retire(slot);
        }

        foreach (var model in ManagedModels(config))
        {
            if (_slots.ContainsKey(model.Id))
                continue;
            if (_retiring.Find(s => s.Id == model.Id) is { } returning)
            {
                // Removed by an earlier reload, back before its old process finished stopping.
                _retiring.Remove(returning);
                returning.Retired = false;
                _slots.Add(model.Id, returning);
                Reconfigure(returning, model);
            }
            else
            {
                _slots.Add(model.Id, new ModelSlot(model));
            }
        }

        _config = config;
        _currentConfig = config;
        _planner = EvictionPlanners.For(config.Routing);
        c.Reply.TrySetResult();
    }

    private void Reconfigure(ModelSlot slot, ModelConfig model)
    {
        switch (slot.Phase)
        {
            case ModelState.Stopped:
                slot.Config = model;
                return;
            case ModelState.Stopping:
                slot.NextConfig = model;
                return;
        }

        // A process runs with slot.Config. Same process settings: keep it (also when an earlier reload
        // changed them and this one changed them back before it stopped); only TTL, limits, names change.
        if (ProcessSettingsComparer.Instance.Equals(slot.Config, model))
        {
            slot.Config = model;
            slot.NextConfig = null;
        }
        else
        {
            slot.NextConfig = model;
        }

        DisarmTtl(slot);
        OnMaybeIdle(slot);
    }

    private void Retire(ModelSlot slot)
    {
        _slots.Remove(slot.Id);
        FailWaiters(slot, new ModelUnloadedException(slot.Id, "was removed from the configuration"));
        if (slot.Phase == ModelState.Stopped)
            return;
        slot.Retired = true;
        _retiring.Add(slot);
        if (slot.Leases.Count == 0)
            BeginStop(slot, slot.Config.UnloadTimeout, StopReason.Drained);
    }

    private void BeginShutdown()
    {
        if (_shuttingDown)
            return;
        _shuttingDown = true;
        Log.ShuttingDown(_logger);
        var error = new SchedulerShutdownException();
        foreach (var swap in _swaps.ToArray())
            CompleteSwap(swap, error);
        foreach (var ticket in _queue.InOrder())
            Fail(ticket, error);
        foreach (var slot in AllSlots().ToArray())
        {
            DisarmTtl(slot);
            RevokeLeases(slot, LeaseEndReason.Shutdown);
            BeginStop(slot, slot.Config.UnloadTimeout, StopReason.Shutdown);
        }
    }
}

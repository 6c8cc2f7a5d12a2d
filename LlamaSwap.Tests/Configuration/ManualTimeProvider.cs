namespace LlamaSwap.Tests.Configuration;

/// <summary>
/// A clock that only moves when told to. Timer callbacks run on the thread that advances the clock, so after
/// <see cref="FireNextTimer"/> returns, whatever the timer woke has run up to its next wait.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _scheduled = [];
    private TaskCompletionSource _timerScheduled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
            return _now;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes as soon as some timer is waiting to fire.</summary>
    public Task WaitForTimerAsync()
    {
        lock (_lock)
            return _scheduled.Count > 0 ? Task.CompletedTask : _timerScheduled.Task;
    }

    /// <summary>Moves the clock to the earliest due time and fires the timers due then.</summary>
    /// <returns>How far the clock moved.</returns>
    public TimeSpan FireNextTimer()
    {
        List<ManualTimer> due;
        TimeSpan moved;
        lock (_lock)
        {
            if (_scheduled.Count == 0)
                throw new InvalidOperationException("no timer is scheduled");
            var next = _scheduled.Min(t => t.DueAt);
            moved = next - _now;
            _now = next;
            due = _scheduled.Where(t => t.DueAt <= _now).ToList();
            _scheduled.RemoveAll(due.Contains);
        }
        foreach (var timer in due)
            timer.Fire();
        return moved;
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _scheduled.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
                return;
            timer.DueAt = _now + dueTime;
            _scheduled.Add(timer);
            signal = _timerScheduled;
            _timerScheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
    }

    private void Unschedule(ManualTimer timer)
    {
        lock (_lock)
            _scheduled.Remove(timer);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            owner.Schedule(this, dueTime);
            return true;
        }

        public void Fire()
        {
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
                owner.Schedule(this, _period);
            callback(state);
        }

        public void Dispose() => owner.Unschedule(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

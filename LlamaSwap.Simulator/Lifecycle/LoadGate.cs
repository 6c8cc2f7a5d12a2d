using LlamaSwap.Simulator.Options;

namespace LlamaSwap.Simulator.Lifecycle;

/// <summary>
/// Simulated model loading: the model counts as loaded once <c>--load-time</c> has passed since the server
/// started listening (never, in the <c>unhealthy</c> failure mode). Until then <c>/health</c> answers 503 and
/// inference endpoints answer 503 "Loading model", as llama-server does.
/// </summary>
internal sealed class LoadGate(TimeProvider time, TimeSpan loadTime, FailureMode failure)
{
    private long _listeningSince = -1;

    public bool NeverLoads { get; } = failure is FailureMode.Unhealthy;

    public TimeSpan LoadTime => loadTime;

    public bool IsLoaded => !NeverLoads && Interlocked.Read(ref _listeningSince) >= 0 && Remaining <= TimeSpan.Zero;

    public TimeSpan Remaining
    {
        get
        {
            var since = Interlocked.Read(ref _listeningSince);
            if (since < 0)
                return loadTime;
            var remaining = loadTime - time.GetElapsedTime(since);
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    /// <summary>Starts the load clock; called once the server listens.</summary>
    public void Begin() => Interlocked.CompareExchange(ref _listeningSince, time.GetTimestamp(), -1);
}

using System.Collections.Immutable;

namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>What an <see cref="ModelScheduler.AcquireAsync"/> caller is waiting for, reported as it changes.</summary>
internal abstract record AcquireProgress
{
    private AcquireProgress()
    {
    }

    /// <summary>Waiting behind other work; <paramref name="Position"/> is 1-based in the scheduler's queue.</summary>
    public sealed record Queued(int Position) : AcquireProgress;

    /// <summary>A swap for the model is under way (stopping <paramref name="Evicted"/>, then spawning it).</summary>
    public sealed record Starting(ImmutableArray<string> Evicted) : AcquireProgress
    {
        /// <summary>A start that evicts nothing.</summary>
        public static Starting Instance { get; } = new(ImmutableArray<string>.Empty);

        public bool Equals(Starting? other) => other is not null && Evicted.SequenceEqual(other.Evicted, StringComparer.Ordinal);

        public override int GetHashCode() => Evicted.Length;
    }

    /// <summary>The process is spawned and its readiness check has been polled <paramref name="Attempt"/> times.</summary>
    public sealed record WaitingForReady(int Attempt) : AcquireProgress;
}

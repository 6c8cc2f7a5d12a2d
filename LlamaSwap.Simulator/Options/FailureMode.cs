namespace LlamaSwap.Simulator.Options;

/// <summary>A failure the simulator acts out on purpose, so callers can test how they cope.</summary>
internal abstract record FailureMode
{
    private FailureMode()
    {
    }

    /// <summary>Behave normally.</summary>
    public sealed record None : FailureMode
    {
        public static readonly None Instance = new();
    }

    /// <summary>Exit with <paramref name="ExitCode"/> before listening, like a server that cannot load its model.</summary>
    public sealed record ExitAtStart(int ExitCode) : FailureMode;

    /// <summary>Listen, but never report healthy.</summary>
    public sealed record Unhealthy : FailureMode
    {
        public static readonly Unhealthy Instance = new();
    }

    /// <summary>Kill the process abruptly once a response has produced <paramref name="Tokens"/> tokens.</summary>
    public sealed record CrashAfterTokens(int Tokens) : FailureMode;

    /// <summary>Accept connections and never answer any request.</summary>
    public sealed record Hang : FailureMode
    {
        public static readonly Hang Instance = new();
    }
}

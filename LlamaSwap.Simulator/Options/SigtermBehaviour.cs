namespace LlamaSwap.Simulator.Options;

internal enum SigtermAction
{
    /// <summary>Shut down promptly.</summary>
    Honour,

    /// <summary>Log the signal and keep running; only SIGKILL stops the process.</summary>
    Ignore,

    /// <summary>Keep serving for a while, then shut down.</summary>
    Delay,
}

/// <summary>What the simulator does when it receives SIGTERM.</summary>
internal sealed record SigtermBehaviour(SigtermAction Action, TimeSpan Delay)
{
    public static readonly SigtermBehaviour Honour = new(SigtermAction.Honour, TimeSpan.Zero);
    public static readonly SigtermBehaviour Ignore = new(SigtermAction.Ignore, TimeSpan.Zero);
}

namespace LlamaSwap.Simulator.Options;

/// <summary>Outcome of reading the command line: options to run with, a request for help, or an error.</summary>
internal sealed record ParseResult(SimulatorOptions? Options, string? Error, bool HelpRequested)
{
    public static ParseResult Success(SimulatorOptions options) => new(options, null, false);

    public static ParseResult Failure(string error) => new(null, error, false);

    public static readonly ParseResult Help = new(null, null, true);
}

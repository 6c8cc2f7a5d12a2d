namespace LlamaSwap.Simulator.Generation;

/// <summary>
/// llama-server's <c>timings</c> object, measured on the wall clock: prompt time is from request receipt to
/// the start of generation, predicted time from the start of generation to the last token.
/// </summary>
internal readonly record struct Timings(int PromptN, double PromptMs, int PredictedN, double PredictedMs)
{
    public double PromptPerSecond => PerSecond(PromptN, PromptMs);

    public double PredictedPerSecond => PerSecond(PredictedN, PredictedMs);

    public double PromptPerTokenMs => PromptN > 0 ? PromptMs / PromptN : 0;

    public double PredictedPerTokenMs => PredictedN > 0 ? PredictedMs / PredictedN : 0;

    private static double PerSecond(int n, double ms) => ms > 0 ? n * 1000.0 / ms : 0;
}

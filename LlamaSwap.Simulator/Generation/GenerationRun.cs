using LlamaSwap.Simulator.Lifecycle;

namespace LlamaSwap.Simulator.Generation;

/// <summary>
/// One response being generated: paces its tokens, counts the ones delivered (for logs and the crash
/// failure mode) and measures the timings reported at the end.
/// </summary>
internal sealed class GenerationRun
{
    private readonly TokenPacer _pacer;
    private readonly CrashSwitch _crash;
    private readonly ResponseText _text;
    private readonly long _requestStart;
    private readonly long _generationStart;

    public GenerationRun(GenerationPlan plan, ResponseText text, TokenPacer pacer, CrashSwitch crash, long requestStart)
    {
        Plan = plan;
        _text = text;
        _pacer = pacer;
        _crash = crash;
        _requestStart = requestStart;
        _generationStart = pacer.Time.GetTimestamp();
    }

    public GenerationPlan Plan { get; }

    public int Count => Plan.CompletionTokens;

    public int Emitted { get; private set; }

    public System.Text.Json.JsonEncodedText Token(int index) => _text.Token(Plan.Offset, index);

    public string FullText() => _text.Text(Plan.Offset, Plan.CompletionTokens);

    public ValueTask WaitForTokenAsync(int index, CancellationToken cancellationToken) =>
        _pacer.WaitForTokenAsync(_generationStart, index, cancellationToken);

    /// <summary>Call once a token has been delivered (written and flushed, or counted for a buffered response).</summary>
    public void TokenEmitted()
    {
        Emitted++;
        _crash.OnTokenEmitted(Emitted);
    }

    /// <summary>Paces every token without writing anything, for non-streaming responses.</summary>
    public async Task RunToEndAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < Count; i++)
        {
            await WaitForTokenAsync(i, cancellationToken);
            TokenEmitted();
        }
    }

    public Timings Complete()
    {
        var time = _pacer.Time;
        var now = time.GetTimestamp();
        return new Timings(
            Plan.PromptTokens,
            time.GetElapsedTime(_requestStart, _generationStart).TotalMilliseconds,
            Emitted,
            time.GetElapsedTime(_generationStart, now).TotalMilliseconds);
    }
}

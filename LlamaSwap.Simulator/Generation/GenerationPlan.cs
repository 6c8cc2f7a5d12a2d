namespace LlamaSwap.Simulator.Generation;

/// <summary>
/// How one response will be generated: its length, whether a request cap cut it short, and where its words
/// start. The natural length is the fixed response's word count or <c>--max-tokens</c>; a request's own cap
/// (<c>max_tokens</c> and friends) can only shorten it, and then the finish reason is "length".
/// </summary>
internal readonly record struct GenerationPlan(int PromptTokens, int CompletionTokens, bool HitLimit, int Offset)
{
    public static GenerationPlan Create(ResponseText text, int defaultLength, int? requestCap, PromptDigest prompt)
    {
        var natural = text.FixedLength ?? defaultLength;
        var count = requestCap is { } cap ? Math.Min(natural, Math.Max(cap, 0)) : natural;
        return new GenerationPlan(prompt.Words, count, count < natural, ResponseText.OffsetFor(prompt.Hash));
    }

    public int TotalTokens => PromptTokens + CompletionTokens;
}

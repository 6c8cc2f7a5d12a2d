namespace LlamaSwap.Configuration.Loading;

/// <summary>The raw text of one configuration source and the name diagnostics use for it.</summary>
internal sealed record SourceText(string File, string Text);

namespace LlamaSwap.Proxy.Activity;

/// <summary>What <see cref="UsageParser"/> read from a response.</summary>
/// <param name="DurationMs">The wall time, or the upstream's own prompt+generation time when that is longer.</param>
/// <param name="ErrorMessage">For a non-200 response, the upstream's error message; otherwise null.</param>
internal sealed record ParsedResponse(ActivityTokens Tokens, double DurationMs, string? ErrorMessage);

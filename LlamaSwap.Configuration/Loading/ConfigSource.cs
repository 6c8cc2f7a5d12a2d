namespace LlamaSwap.Configuration;

/// <summary>Where configuration comes from: a file, a directory of <c>*.yaml</c>/<c>*.yml</c> files merged in name order, or both (file first).</summary>
public sealed record ConfigSource(string? File, string? Directory = null);

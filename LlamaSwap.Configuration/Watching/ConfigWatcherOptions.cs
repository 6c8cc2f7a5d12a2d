namespace LlamaSwap.Configuration.Watching;

public sealed record ConfigWatcherOptions
{
    /// <summary>How often file sizes and modification times are checked (llama-swap: 2 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the sources must stay unchanged before a change is loaded, so a burst of writes
    /// (an editor's save, a deployment copying several files) gives one reload. Zero loads at once.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// When true, the sequence starts with a load of the sources as they are when watching starts. Loading
    /// the startup configuration this way leaves no gap in which a change could be missed.
    /// </summary>
    public bool IncludeInitialLoad { get; init; }
}

namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// The three log sources the management API serves: <c>proxy</c> (this service's own log lines),
/// <c>upstream</c> (a mirror of the Supervisor's combined upstream output) and the combined feed behind
/// <c>/logs</c> and <c>/logs/stream</c>, which takes one or both of them as <c>logToStdout</c> says
/// (llama-swap's "mux"). Per-source histories are kept whatever that setting is.
/// </summary>
internal sealed class LogFeeds
{
    public const string ProxySource = "proxy";
    public const string UpstreamSource = "upstream";

    private volatile LogOptions _options = LogOptions.Default;

    public LogFeed Proxy { get; } = new(ProxySource);

    public LogFeed Upstream { get; } = new(UpstreamSource);

    public LogFeed Combined { get; } = new("combined");

    /// <summary>Set from the configuration in force (and on every reload).</summary>
    public LogOptions Options
    {
        get => _options;
        set => _options = value;
    }

    public void WriteProxy(ReadOnlySpan<byte> data)
    {
        Proxy.Write(data);
        if (_options.CombinesProxy)
            Combined.Write(data);
    }

    public void WriteUpstream(ReadOnlySpan<byte> data)
    {
        Upstream.Write(data);
        if (_options.CombinesUpstream)
            Combined.Write(data);
    }
}

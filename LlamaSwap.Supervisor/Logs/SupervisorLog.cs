namespace LlamaSwap.Supervisor.Logs;

/// <summary>
/// The Supervisor's own log as a log source, served by <c>StreamLogs</c> under the contract's name
/// <see cref="SourceName"/> (llama-swap's name for its own log): <c>[LEVEL] message</c> lines, the last
/// 100 KiB kept, slow readers dropped from like every other source.
/// </summary>
internal sealed class SupervisorLog(UpstreamLogHubOptions options)
{
    /// <summary>The contract's name for the log of the process that answers (here the Supervisor).</summary>
    public const string SourceName = "proxy";

    private readonly LogBroadcaster _broadcaster = new(options.HistoryBytes, options.SubscriberBufferChunks);

    public SupervisorLog()
        : this(new UpstreamLogHubOptions())
    {
    }

    public void Write(ReadOnlySpan<byte> line) => _broadcaster.Write(line);

    public byte[] GetHistory() => _broadcaster.GetHistory();

    public LogSubscription Subscribe(bool includeHistory) => _broadcaster.Subscribe(includeHistory);
}

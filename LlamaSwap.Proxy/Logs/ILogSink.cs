namespace LlamaSwap.Proxy.Logs;

/// <summary>
/// A live reader of a <see cref="LogFeed"/>. Called under the feed's lock, on the thread that logged, so it
/// must copy what it keeps and never wait.
/// </summary>
internal interface ILogSink
{
    void Write(ReadOnlySpan<byte> data);
}

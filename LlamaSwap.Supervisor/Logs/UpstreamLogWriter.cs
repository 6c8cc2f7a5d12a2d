namespace LlamaSwap.Supervisor.Logs;

/// <summary>Writes one model's output to its own source and to the combined upstream source.</summary>
internal sealed class UpstreamLogWriter
{
    private readonly LogBroadcaster _model;
    private readonly LogBroadcaster _combined;

    internal UpstreamLogWriter(LogBroadcaster model, LogBroadcaster combined)
    {
        _model = model;
        _combined = combined;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        _model.Write(data);
        _combined.Write(data);
    }
}

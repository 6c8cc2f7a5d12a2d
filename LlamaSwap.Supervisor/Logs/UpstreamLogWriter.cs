namespace LlamaSwap.Supervisor.Logs;

/// <summary>Writes one model's output to its own source and to the combined upstream source, tagged with the model.</summary>
internal sealed class UpstreamLogWriter
{
    private readonly string _modelId;
    private readonly LogBroadcaster _model;
    private readonly LogBroadcaster _combined;

    internal UpstreamLogWriter(string modelId, LogBroadcaster model, LogBroadcaster combined)
    {
        _modelId = modelId;
        _model = model;
        _combined = combined;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        _model.Write(data);
        _combined.Write(data, _modelId);
    }
}

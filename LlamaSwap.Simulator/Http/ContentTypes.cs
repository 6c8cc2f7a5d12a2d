namespace LlamaSwap.Simulator.Http;

internal static class ContentTypes
{
    public const string Json = "application/json";
    public const string EventStream = "text/event-stream";
    public const string PlainText = "text/plain; charset=utf-8";
    public const string Wav = "audio/wav";
    public const string Multipart = "multipart/form-data";
}

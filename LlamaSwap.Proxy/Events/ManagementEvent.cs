using System.Text;
using System.Text.Json.Serialization;
using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Proxy.Events;

/// <summary>
/// One <c>/api/events</c> message. On the wire it is exactly
/// <c>event:message\ndata:{"type":"&lt;type&gt;","data":"&lt;payload JSON as a string&gt;"}\n\n</c>.
/// The frame is built once, on first use, and shared by every client it is sent to.
/// </summary>
internal abstract class ManagementEvent
{
    private static readonly byte[] Prefix = "event:message\ndata:"u8.ToArray();
    private static readonly byte[] Suffix = "\n\n"u8.ToArray();

    private byte[]? _frame;

    public abstract string Type { get; }

    /// <summary>The payload, itself JSON, carried as the envelope's <c>data</c> string.</summary>
    public abstract string Data();

    public static ManagementEvent Json<T>(string type, T payload) => new JsonEvent(type, ManagementJson.Serialize(payload));

    public static ManagementEvent LogData(string source, byte[] data) => new LogDataEvent(source, data);

    public byte[] Frame()
    {
        if (_frame is { } frame)
            return frame;
        var envelope = ManagementJson.SerializeToUtf8Bytes(new Envelope(Type, Data()));
        frame = [.. Prefix, .. envelope, .. Suffix];
        _frame = frame;
        return frame;
    }

    private sealed record Envelope(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("data")] string Data);

    private sealed class JsonEvent(string type, string data) : ManagementEvent
    {
        public override string Type => type;

        public override string Data() => data;
    }

    // Log bytes are raw process output; invalid UTF-8 becomes U+FFFD, as it does in llama-swap.
    private sealed class LogDataEvent(string source, byte[] data) : ManagementEvent
    {
        public override string Type => EventTypes.LogData;

        public override string Data() => ManagementJson.Serialize(new LogPayload(source, Encoding.UTF8.GetString(data)));
    }

    private sealed record LogPayload(
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("data")] string Data);
}

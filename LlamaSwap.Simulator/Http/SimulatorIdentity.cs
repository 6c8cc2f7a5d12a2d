using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace LlamaSwap.Simulator.Http;

/// <summary>
/// Who is answering: the configured model name, the bound port and the process id. Every response carries it
/// (headers, and a <c>simulator</c> object or <c>system_fingerprint</c> in JSON) so a test can tell which
/// upstream served a request that went through the proxy.
/// </summary>
internal sealed class SimulatorIdentity(string model)
{
    public string Model { get; } = model;

    public JsonEncodedText ModelJson { get; } = JsonEncodedText.Encode(model);

    public StringValues ModelHeader { get; } = new(model);

    public int ProcessId { get; } = Environment.ProcessId;

    /// <summary>The bound port; known only once Kestrel listens when the command line asked for port 0.</summary>
    public int Port { get; private set; }

    public StringValues PortHeader { get; private set; } = StringValues.Empty;

    /// <summary>OpenAI's <c>system_fingerprint</c>, which SDKs surface; names model and port.</summary>
    public JsonEncodedText Fingerprint { get; private set; }

    public void BindPort(int port)
    {
        Port = port;
        PortHeader = new StringValues(port.ToString(CultureInfo.InvariantCulture));
        Fingerprint = JsonEncodedText.Encode(string.Create(CultureInfo.InvariantCulture, $"simulator:{Model}:{port}"));
    }

    /// <summary>Writes <c>"simulator":{"model":…,"port":…,"pid":…}</c> into the current object.</summary>
    public void WriteProperty(Utf8JsonWriter writer)
    {
        writer.WriteStartObject(SimulatorWire.SimulatorProperty);
        writer.WriteString(SimulatorWire.Model, ModelJson);
        writer.WriteNumber(SimulatorWire.Port, Port);
        writer.WriteNumber(SimulatorWire.Pid, ProcessId);
        writer.WriteEndObject();
    }
}

using System.Text.Json;

namespace LlamaSwap.Simulator.Http;

/// <summary>Names the simulator adds on top of the protocols it imitates.</summary>
internal static class SimulatorWire
{
    public const string ModelHeader = "X-Simulator-Model";
    public const string PortHeader = "X-Simulator-Port";

    public const string EchoQuery = "echo";
    public const string StreamQuery = "stream";
    public const string WaitQuery = "wait";
    public const string ModelQuery = "model";

    public static readonly JsonEncodedText SimulatorProperty = JsonEncodedText.Encode("simulator");
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText Port = JsonEncodedText.Encode("port");
    public static readonly JsonEncodedText Pid = JsonEncodedText.Encode("pid");

    // Echo mode, named as llama-swap's own test responder names them.
    public static readonly JsonEncodedText RequestBody = JsonEncodedText.Encode("request_body");
    public static readonly JsonEncodedText ContentLengthHeader = JsonEncodedText.Encode("h_content_length");
    public static readonly JsonEncodedText ContentTypeHeader = JsonEncodedText.Encode("h_content_type");
    public static readonly JsonEncodedText RequestPath = JsonEncodedText.Encode("request_path");
    public static readonly JsonEncodedText RequestHeaders = JsonEncodedText.Encode("request_headers");
}

using System.Text.Json.Nodes;
using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Listing;

/// <summary>
/// A model's <c>capabilities:</c> as llama-swap lists them: <c>architecture</c> (modalities, and
/// <c>modality</c> "in1+in2-&gt;out1" when both sides are declared), the <c>capabilities</c> flags,
/// <c>supported_parameters</c> for tool use, and <c>context_length</c>.
/// </summary>
internal sealed record CapabilityRendering(
    JsonObject? Architecture, JsonObject? Flags, JsonArray? SupportedParameters, int? ContextLength)
{
    /// <summary>Listing keys that the rendered capabilities own; metadata keys of these names give way.</summary>
    public static readonly string[] OwnedKeys = ["architecture", "capabilities", "supported_parameters", "context_length"];

    public static CapabilityRendering From(Capabilities capabilities)
    {
        var inputs = capabilities.In.Select(Name).ToList();
        var outputs = capabilities.Out.Select(Name).ToList();

        JsonObject? architecture = null;
        if (inputs.Count > 0 || outputs.Count > 0)
        {
            architecture = [];
            if (inputs.Count > 0)
                architecture["input_modalities"] = new JsonArray([.. inputs.Select(i => (JsonNode)i)]);
            if (outputs.Count > 0)
                architecture["output_modalities"] = new JsonArray([.. outputs.Select(o => (JsonNode)o)]);
            if (inputs.Count > 0 && outputs.Count > 0)
                architecture["modality"] = $"{string.Join('+', inputs)}->{string.Join('+', outputs)}";
        }

        var flags = new JsonObject();
        bool In(Modality m) => capabilities.In.Contains(m);
        bool Out(Modality m) => capabilities.Out.Contains(m);
        if (In(Modality.Image))
            flags["vision"] = true;
        if (In(Modality.Audio) && Out(Modality.Text))
            flags["audio_transcriptions"] = true;
        if (In(Modality.Text) && Out(Modality.Audio))
            flags["audio_speech"] = true;
        if (In(Modality.Text) && Out(Modality.Image))
            flags["image_generation"] = true;
        if (In(Modality.Image) && Out(Modality.Image))
            flags["image_to_image"] = true;
        if (capabilities.Tools)
            flags["function_calling"] = true;
        if (capabilities.Reranker)
            flags["reranker"] = true;

        return new CapabilityRendering(
            architecture,
            flags.Count > 0 ? flags : null,
            capabilities.Tools ? ["tools", "tool_choice"] : null,
            capabilities.Context > 0 ? capabilities.Context : null);
    }

    /// <summary>Adds the rendered fields to a listing record.</summary>
    public void WriteTo(JsonObject record)
    {
        if (Architecture is not null)
            record["architecture"] = Architecture.DeepClone();
        if (Flags is not null)
            record["capabilities"] = Flags.DeepClone();
        if (SupportedParameters is not null)
            record["supported_parameters"] = SupportedParameters.DeepClone();
        if (ContextLength is { } context)
            record["context_length"] = context;
    }

    private static string Name(Modality modality) => modality switch
    {
        Modality.Audio => "audio",
        Modality.Image => "image",
        _ => "text",
    };
}

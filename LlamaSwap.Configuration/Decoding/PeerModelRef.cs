using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>A model a peer serves, with where it was declared (for namespace errors).</summary>
internal sealed record PeerModelRef(string PeerId, string Model, YamlNode Node, string Path)
{
    public string FullName => $"{PeerId}/{Model}";
}

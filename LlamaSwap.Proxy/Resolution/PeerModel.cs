using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Resolution;

/// <summary>A model a peer serves: the peer, the model's own name there, and its full name <c>peer/model</c>.</summary>
internal sealed record PeerModel(PeerConfig Peer, string Model)
{
    public string FullName => $"{Peer.Id}/{Model}";
}

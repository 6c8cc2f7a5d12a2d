namespace LlamaSwap.Proxy.Forwarding;

/// <summary>
/// What happens to the client's credentials on the way upstream. The Proxy's own API key never leaves
/// it: removed for local upstreams and for peers without a key of their own; a peer with
/// <c>apiKey</c> gets that key in both headers instead.
/// </summary>
internal readonly record struct UpstreamCredentials(bool RemoveClientKey, string? ReplacementKey)
{
    public static UpstreamCredentials PassThrough => new(false, null);
}

using LlamaSwap.Proxy.Requests;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>Replace the bytes of <paramref name="Range"/> in a recorded body with <paramref name="Replacement"/>.</summary>
internal sealed record BodySplice(ByteRange Range, byte[] Replacement)
{
    public long LengthDelta => Replacement.Length - Range.Length;
}

namespace LlamaSwap.Proxy.Admission;

/// <summary>Light-hearted lines shown now and then while a model loads, so a long wait does not look wedged.</summary>
internal static class LoadingRemarks
{
    private static readonly string[] Lines =
    [
        "Waking the GPU up gently...",
        "Unpacking a few billion parameters...",
        "Asking the attention heads to pay attention...",
        "Warming the KV cache...",
        "Stacking the layers in the right order...",
        "Teaching the tokenizer its letters again...",
        "Moving weights; they really are heavy...",
        "Checking that every neuron showed up...",
        "Pouring tensors into VRAM...",
        "Almost there, probably...",
    ];

    public static string Pick(Random random) => Lines[random.Next(Lines.Length)];
}

namespace LlamaSwap.Simulator.Generation;

/// <summary>
/// Deterministic unit-length embedding of a text: a 64-bit FNV-1a hash of the text seeds a SplitMix64
/// sequence that fills the vector. Equal inputs give equal vectors in every process.
/// </summary>
internal static class EmbeddingVector
{
    public const int DefaultDimensions = 8;

    public static float[] For(string text, int dimensions)
    {
        var state = Fnv1a(text);
        var vector = new float[dimensions];
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            var value = (SplitMix64(ref state) >> 11) * (1.0 / (1UL << 53)) * 2 - 1;
            vector[i] = (float)value;
            norm += value * value;
        }

        var scale = norm > 0 ? 1 / Math.Sqrt(norm) : 0;
        for (var i = 0; i < dimensions; i++)
            vector[i] = (float)(vector[i] * scale);
        return vector;
    }

    /// <summary>A stable 64-bit hash of a text (string.GetHashCode is randomised per process).</summary>
    public static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
            hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

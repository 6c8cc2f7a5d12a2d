using System.Numerics;

namespace LlamaSwap.Configuration.Matrix;

/// <summary>
/// An immutable set of model indexes as a bit array, so the unions and subset tests of a cartesian
/// expansion stay cheap. All instances compared with each other share one word count.
/// </summary>
internal sealed class ModelBits : IEquatable<ModelBits>
{
    private readonly ulong[] _words;

    private ModelBits(ulong[] words) => _words = words;

    public static ModelBits Empty(int modelCount) => new(new ulong[(modelCount + 63) / 64]);

    public static ModelBits Single(int modelCount, int index)
    {
        var bits = Empty(modelCount);
        bits._words[index / 64] = 1UL << (index % 64);
        return bits;
    }

    public int Count
    {
        get
        {
            var count = 0;
            foreach (var word in _words)
                count += BitOperations.PopCount(word);
            return count;
        }
    }

    public ModelBits Union(ModelBits other)
    {
        var words = new ulong[_words.Length];
        for (var i = 0; i < words.Length; i++)
            words[i] = _words[i] | other._words[i];
        return new ModelBits(words);
    }

    public bool IsSubsetOf(ModelBits other)
    {
        for (var i = 0; i < _words.Length; i++)
        {
            if ((_words[i] & ~other._words[i]) != 0)
                return false;
        }
        return true;
    }

    public IEnumerable<int> Indexes()
    {
        for (var i = 0; i < _words.Length; i++)
        {
            for (var word = _words[i]; word != 0; word &= word - 1)
                yield return i * 64 + BitOperations.TrailingZeroCount(word);
        }
    }

    public bool Equals(ModelBits? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as ModelBits);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var word in _words)
            hash.Add(word);
        return hash.ToHashCode();
    }
}

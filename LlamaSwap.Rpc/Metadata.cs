using System.Collections;
using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Rpc;

/// <summary>
/// Custom call metadata (request headers or response trailers), in order, duplicates
/// allowed. Keys are lower-case ASCII <c>0-9 a-z _ - .</c>; keys ending in <c>-bin</c>
/// carry bytes (base64 on the wire), all others carry printable ASCII.
/// </summary>
public sealed class Metadata : IReadOnlyList<Metadata.Entry>
{
    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Entry this[int index] => _entries[index];

    /// <summary>Adds a text entry; the key must not end in <c>-bin</c>.</summary>
    /// <exception cref="ArgumentException">The key or value is not valid on the wire.</exception>
    public Metadata Add(string key, string value)
    {
        var normalized = MetadataValidation.NormalizeKey(key);
        if (MetadataValidation.IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Metadata key '{key}' ends in '-bin' and needs a byte[] value.", nameof(key));
        }

        if (!MetadataValidation.IsValidTextValue(value))
        {
            throw new ArgumentException($"Metadata value for '{key}' must be printable ASCII.", nameof(value));
        }

        _entries.Add(new Entry(normalized, value, null));
        return this;
    }

    /// <summary>Adds a binary entry; the key must end in <c>-bin</c>.</summary>
    /// <exception cref="ArgumentException">The key is not valid on the wire.</exception>
    public Metadata Add(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = MetadataValidation.NormalizeKey(key);
        if (!MetadataValidation.IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Metadata key '{key}' carries bytes and must end in '-bin'.", nameof(key));
        }

        _entries.Add(new Entry(normalized, null, value));
        return this;
    }

    /// <summary>The first text value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Find(key)?.Value;

    /// <summary>The first binary value for <paramref name="key"/> (a <c>-bin</c> key), or null.</summary>
    public byte[]? GetBytes(string key) => Find(key)?.ValueBytes;

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds an entry received from the wire, whose key is already validated.</summary>
    internal void AddReceived(string key, string? value, byte[]? valueBytes) => _entries.Add(new Entry(key, value, valueBytes));

    private Entry? Find(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>One metadata entry: exactly one of <see cref="Value"/> and <see cref="ValueBytes"/> is set.</summary>
    public sealed record Entry(string Key, string? Value, byte[]? ValueBytes)
    {
        public bool IsBinary => ValueBytes is not null;
    }
}

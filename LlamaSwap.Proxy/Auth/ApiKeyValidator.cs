using System.Security.Cryptography;
using System.Text;

namespace LlamaSwap.Proxy.Auth;

/// <summary>
/// Checks a presented key against the configured ones in constant time: every configured key is
/// compared (no early exit on a match) and each comparison takes time independent of where the
/// bytes differ, so response timing reveals neither a key's prefix nor which key matched.
/// </summary>
internal sealed class ApiKeyValidator(IReadOnlyList<string> keys)
{
    private readonly byte[][] _keyHashes = keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

    public bool Enabled => _keyHashes.Length > 0;

    public bool IsValid(string? presented)
    {
        if (!Enabled)
            return true;
        if (presented is null)
            return false;

        // Hashing first gives equal-length inputs, so FixedTimeEquals does not leak key lengths.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        var match = false;
        foreach (var key in _keyHashes)
            match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match;
    }
}

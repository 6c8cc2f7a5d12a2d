namespace LlamaSwap.Rpc.Wire;

/// <summary>
/// Metadata key and value rules (PROTOCOL-HTTP2.md "Custom-Metadata"): keys are
/// <c>0-9 a-z _ - .</c>, <c>grpc-</c> is reserved for the protocol, text values are
/// printable ASCII, <c>-bin</c> values are base64 (emit unpadded, accept both).
/// </summary>
internal static class MetadataValidation
{
    public static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var normalized = key.ToLowerInvariant();
        foreach (var c in normalized)
        {
            if (!IsValidKeyChar(c))
            {
                throw new ArgumentException($"Metadata key '{key}' contains '{c}'; only 0-9 a-z _ - . are allowed.", nameof(key));
            }
        }

        if (normalized.StartsWith(GrpcProtocolConstants.ReservedHeaderPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' uses the reserved 'grpc-' prefix.", nameof(key));
        }

        return normalized;
    }

    public static bool IsBinaryKey(string key) => key.EndsWith(GrpcProtocolConstants.BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

    public static bool IsValidTextValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    public static string EncodeBinary(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>Decodes padded or unpadded base64; false for anything else.</summary>
    public static bool TryDecodeBinary(string value, out byte[] bytes)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        var padded = padding == 0 || value.EndsWith('=') ? value : value + new string('=', padding);
        var buffer = new byte[padded.Length / 4 * 3];
        if (padded.Length % 4 == 0 && Convert.TryFromBase64String(padded, buffer, out var written))
        {
            bytes = buffer.AsSpan(0, written).ToArray();
            return true;
        }

        bytes = [];
        return false;
    }

    private static bool IsValidKeyChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.';
}

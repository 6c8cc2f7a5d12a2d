using System.Buffers;
using System.Text;

namespace LlamaSwap.Rpc.Wire;

/// <summary>
/// <c>grpc-message</c> encoding (PROTOCOL-HTTP2.md "Responses"): the UTF-8 bytes of the
/// message, where 0x20–0x7E except '%' pass through and every other byte becomes
/// <c>%XX</c> (upper-case hex). "When decoding invalid values, implementations MUST NOT
/// error or throw away the message": broken escapes are kept as they are.
/// </summary>
internal static class PercentEncoding
{
    private const string HexDigits = "0123456789ABCDEF";

    public static string Encode(string value)
    {
        if (!NeedsEncoding(value))
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new ArrayBufferWriter<byte>(value.Length);
        var runStart = 0;
        for (var i = 0; i + 2 < value.Length; i++)
        {
            if (value[i] == '%' && TryHex(value[i + 1], out var high) && TryHex(value[i + 2], out var low))
            {
                // Characters a peer did not encode are kept, as UTF-8.
                Encoding.UTF8.GetBytes(value.AsSpan(runStart, i - runStart), bytes);
                bytes.GetSpan(1)[0] = (byte)((high << 4) | low);
                bytes.Advance(1);
                i += 2;
                runStart = i + 1;
            }
        }

        Encoding.UTF8.GetBytes(value.AsSpan(runStart), bytes);

        // Invalid UTF-8 becomes U+FFFD: decoding never fails.
        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    private static bool NeedsEncoding(string value)
    {
        foreach (var c in value)
        {
            if (c > 0x7F || !IsUnreserved((byte)c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnreserved(byte b) => b is >= 0x20 and <= 0x7E && b != (byte)'%';

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'F' => c - 'A' + 10,
            >= 'a' and <= 'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}

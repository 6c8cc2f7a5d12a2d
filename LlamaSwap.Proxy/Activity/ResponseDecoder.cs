using System.IO.Compression;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Undoes a response's <c>Content-Encoding</c> (gzip, deflate — zlib-wrapped or raw — and br) so usage can
/// be parsed and captures stored readable. Output is bounded so a small compressed body cannot expand without
/// limit.
/// </summary>
internal static class ResponseDecoder
{
    /// <returns>The decoded bytes, or the reason decoding failed (for the row's <c>error_msg</c>).</returns>
    public static (byte[]? Body, string? Error) Decode(byte[] body, string? contentEncoding, int maxDecodedBytes)
    {
        var encoding = contentEncoding?.Trim().ToLowerInvariant() ?? "";
        if (encoding is "" or "identity" || body.Length == 0)
            return (body, null);

        try
        {
            return encoding switch
            {
                "gzip" or "x-gzip" => (Inflate(new GZipStream(new MemoryStream(body), CompressionMode.Decompress), maxDecodedBytes), null),
                "br" => (Inflate(new BrotliStream(new MemoryStream(body), CompressionMode.Decompress), maxDecodedBytes), null),
                "deflate" => (DecodeDeflate(body, maxDecodedBytes), null),
                _ => (null, $"response decode failed: unsupported content encoding '{contentEncoding}'"),
            };
        }
        catch (InvalidDataException ex)
        {
            return (null, $"response decode failed: {ex.Message}");
        }
        catch (ResponseTooLargeException ex)
        {
            return (null, $"response decode failed: {ex.Message}");
        }
    }

    // HTTP "deflate" is meant to be zlib-wrapped, but servers also send raw deflate.
    private static byte[] DecodeDeflate(byte[] body, int maxDecodedBytes)
    {
        var zlibHeader = body.Length >= 2 && (body[0] & 0x0F) == 8 && ((body[0] << 8) | body[1]) % 31 == 0;
        return zlibHeader
            ? Inflate(new ZLibStream(new MemoryStream(body), CompressionMode.Decompress), maxDecodedBytes)
            : Inflate(new DeflateStream(new MemoryStream(body), CompressionMode.Decompress), maxDecodedBytes);
    }

    private static byte[] Inflate(Stream decoder, int maxDecodedBytes)
    {
        using (decoder)
        {
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = decoder.Read(buffer)) > 0)
            {
                if (output.Length + read > maxDecodedBytes)
                    throw new ResponseTooLargeException($"decoded body exceeds {maxDecodedBytes} bytes");
                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
    }

    private sealed class ResponseTooLargeException(string message) : Exception(message);
}

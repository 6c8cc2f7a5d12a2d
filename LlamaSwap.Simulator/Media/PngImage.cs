using System.Buffers.Binary;
using System.IO.Compression;

namespace LlamaSwap.Simulator.Media;

/// <summary>
/// A tiny valid PNG: an 8×8 square in one colour taken from a hash of the prompt, so different prompts give
/// visibly different, reproducible images.
/// </summary>
internal static class PngImage
{
    private const int Size = 8;
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Create(ulong seed)
    {
        var (red, green, blue) = ((byte)seed, (byte)(seed >> 8), (byte)(seed >> 16));

        var scanlines = new byte[Size * (1 + (Size * 3))];
        for (var row = 0; row < Size; row++)
        {
            var offset = row * (1 + (Size * 3));
            scanlines[offset] = 0; // filter type "none"
            for (var x = 0; x < Size; x++)
            {
                scanlines[offset + 1 + (x * 3)] = red;
                scanlines[offset + 2 + (x * 3)] = green;
                scanlines[offset + 3 + (x * 3)] = blue;
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(scanlines);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Size);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour RGB

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, compressed.ToArray());
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        stream.Write(number);
        stream.Write(type);
        stream.Write(data);
        var crc = Crc(Crc(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(number, crc);
        stream.Write(number);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }

        return table;
    }
}

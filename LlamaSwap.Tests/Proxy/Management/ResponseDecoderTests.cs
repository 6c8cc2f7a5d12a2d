using System.IO.Compression;
using System.Text;
using LlamaSwap.Proxy.Activity;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class ResponseDecoderTests
{
    private static readonly byte[] Plain = Encoding.UTF8.GetBytes("""{"usage":{"prompt_tokens":3}}""");

    public static TheoryData<string> Encodings => ["gzip", "deflate", "deflate-raw", "br", "GZIP"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void DecodesEveryEncodingClientsAreOffered(string encoding)
    {
        var (body, error) = ResponseDecoder.Decode(Compress(encoding, Plain), encoding == "deflate-raw" ? "deflate" : encoding, 1 << 20);

        Assert.Null(error);
        Assert.Equal(Plain, body);
    }

    [Fact]
    public void IdentityAndMissingEncodingPassThrough()
    {
        Assert.Same(Plain, ResponseDecoder.Decode(Plain, null, 10).Body);
        Assert.Same(Plain, ResponseDecoder.Decode(Plain, "identity", 10).Body);
    }

    [Fact]
    public void UnsupportedEncodingIsReportedAsADecodeFailure()
    {
        var (body, error) = ResponseDecoder.Decode(Plain, "zstd", 1 << 20);

        Assert.Null(body);
        Assert.Equal("response decode failed: unsupported content encoding 'zstd'", error);
    }

    [Fact]
    public void CorruptBodyIsReportedAsADecodeFailure()
    {
        var (body, error) = ResponseDecoder.Decode([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "gzip", 1 << 20);

        Assert.Null(body);
        Assert.StartsWith("response decode failed: ", error);
    }

    [Fact]
    public void ExpansionBeyondTheLimitIsRefused()
    {
        var (body, error) = ResponseDecoder.Decode(Compress("gzip", new byte[1 << 20]), "gzip", 64 * 1024);

        Assert.Null(body);
        Assert.Equal("response decode failed: decoded body exceeds 65536 bytes", error);
    }

    internal static byte[] Compress(string encoding, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding.ToLowerInvariant() switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate-raw" => new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}

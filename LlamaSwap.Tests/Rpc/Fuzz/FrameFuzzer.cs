using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace LlamaSwap.Tests.Rpc.Fuzz;

/// <summary>One fuzzed request: where it goes, its headers and its body in DATA-frame-sized pieces.</summary>
internal sealed record FuzzCase(string Kind, string Path, string? Timeout, string? Encoding, IReadOnlyList<byte[]> Chunks)
{
    public override string ToString() =>
        $"{Kind} {Path} timeout={Timeout} encoding={Encoding} body={Convert.ToHexString(Chunks.SelectMany(c => c).Take(64).ToArray())}";
}

/// <summary>
/// Generates request bodies around the length-prefixed framing: valid frames, garbage,
/// truncations, lying length prefixes, compressed flags, oversized and zero-length
/// messages, extra frames; paths and timeouts valid and not.
/// </summary>
internal sealed class FrameFuzzer(Random random, int maxMessageSize)
{
    private static readonly string[] Paths =
    [
        "/llamaswap.test.v1.Echo/Echo",
        "/llamaswap.test.v1.Echo/Count",
        "/llamaswap.test.v1.Echo/Header",
        "/grpc.health.v1.Health/Check",
        "/llamaswap.test.v1.Echo/Missing",
        "/no.such.Service/Method",
    ];

    private static readonly string?[] Timeouts = [null, null, null, "5S", "1m", "1n", "0S", "garbage", "123456789S", "-1S", "99999999H"];

    public FuzzCase Next()
    {
        var path = Paths[random.Next(Paths.Length)];
        var timeout = Timeouts[random.Next(Timeouts.Length)];
        string? encoding = random.Next(8) == 0 ? "gzip" : null;
        var (kind, body) = random.Next(13) switch
        {
            0 => ("valid", Frame(0, ValidPayload())),
            1 => ("garbage", Bytes(random.Next(0, 64))),
            2 => ("truncated", Truncate(Frame(0, ValidPayload()))),
            3 => ("length lies high", WithLength(Frame(0, ValidPayload()), extra: random.Next(1, 100))),
            4 => ("length lies low", WithLength(Frame(0, ValidPayload()), extra: -random.Next(1, 3))),
            5 => ("compressed flag", Frame(1, ValidPayload())),
            6 => ("invalid flag", Frame((byte)random.Next(2, 256), ValidPayload())),
            7 => ("oversized", Header(0, (uint)(maxMessageSize + 1 + random.Next(0, int.MaxValue - maxMessageSize - 1))).Concat(Bytes(random.Next(0, 32))).ToArray()),
            8 => ("zero-length", Frame(0, [])),
            9 => ("two frames", Frame(0, ValidPayload()).Concat(Frame(0, ValidPayload())).ToArray()),
            10 => ("empty", []),
            11 => ("trailing garbage", Frame(0, ValidPayload()).Concat(Bytes(random.Next(1, 16))).ToArray()),
            _ => ("random payload", Frame(0, Bytes(random.Next(0, 48)))),
        };

        return new FuzzCase(kind, path, timeout, encoding, Split(body));
    }

    private byte[] ValidPayload() => random.Next(3) switch
    {
        0 => new StringValue { Value = new string('x', random.Next(0, 40)) }.ToByteArray(),
        1 => new UInt32Value { Value = (uint)random.Next(0, 4) }.ToByteArray(),
        _ => [],
    };

    private static byte[] Header(byte flag, uint length)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    private static byte[] Frame(byte flag, byte[] payload) => [.. Header(flag, (uint)payload.Length), .. payload];

    private static byte[] WithLength(byte[] frame, int extra)
    {
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)) + extra;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)Math.Max(0, length));
        return frame;
    }

    private byte[] Truncate(byte[] frame) => frame[..random.Next(0, frame.Length)];

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Cuts the body at random points, including inside the 5-byte header.</summary>
    private List<byte[]> Split(byte[] body)
    {
        var chunks = new List<byte[]>();
        var offset = 0;
        while (offset < body.Length)
        {
            var size = random.Next(1, Math.Max(2, body.Length - offset + 1));
            size = Math.Min(size, body.Length - offset);
            chunks.Add(body[offset..(offset + size)]);
            offset += size;
        }

        return chunks;
    }
}

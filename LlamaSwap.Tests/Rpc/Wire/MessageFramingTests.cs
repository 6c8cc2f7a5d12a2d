using System.Buffers;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Tests.Rpc.Wire;

public sealed class MessageFramingTests
{
    private const int Max = 16;

    public static TheoryData<string, string, string, bool, string, int> Cases => new()
    {
        // name, input hex, expected status, compressed, payload hex, bytes left after the read
        { "empty buffer", "", nameof(FrameReadStatus.NeedMoreData), false, "", 0 },
        { "partial header", "00000000", nameof(FrameReadStatus.NeedMoreData), false, "", 4 },
        { "zero-length message", "0000000000", nameof(FrameReadStatus.Message), false, "", 0 },
        { "whole message", "0000000003AABBCC", nameof(FrameReadStatus.Message), false, "AABBCC", 0 },
        { "partial payload", "0000000003AABB", nameof(FrameReadStatus.NeedMoreData), false, "", 7 },
        { "length lies high", "00000000FFAA", nameof(FrameReadStatus.MessageTooLarge), false, "", 6 },
        { "two messages", "0000000001AA0000000001BB", nameof(FrameReadStatus.Message), false, "AA", 6 },
        { "message then partial header", "0000000001AA0000", nameof(FrameReadStatus.Message), false, "AA", 2 },
        { "compressed flag set", "0100000001AA", nameof(FrameReadStatus.Message), true, "AA", 0 },
        { "flag 2", "0200000001AA", nameof(FrameReadStatus.InvalidCompressedFlag), false, "", 6 },
        { "flag 0xFF", "FF00000000", nameof(FrameReadStatus.InvalidCompressedFlag), false, "", 5 },
        { "bad flag before full header is data", "FF000000", nameof(FrameReadStatus.NeedMoreData), false, "", 4 },
        { "exactly the limit", "0000000010" + new string('E', 32), nameof(FrameReadStatus.Message), false, new string('E', 32), 0 },
        { "one over the limit, no payload yet", "0000000011", nameof(FrameReadStatus.MessageTooLarge), false, "", 5 },
        { "length 2^32-1", "00FFFFFFFF", nameof(FrameReadStatus.MessageTooLarge), false, "", 5 },
        { "length 2^31 (negative as int32)", "0080000000", nameof(FrameReadStatus.MessageTooLarge), false, "", 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryReadMessageReadsOneMessageOrReportsWhy(string name, string inputHex, string expectedStatus, bool compressed, string payloadHex, int left)
    {
        var input = Convert.FromHexString(inputHex);
        var expected = System.Enum.Parse<FrameReadStatus>(expectedStatus);

        // DATA frame boundaries are arbitrary: a single segment and one segment per byte must agree.
        foreach (var buffer in new[] { new ReadOnlySequence<byte>(input), Segmented(input) })
        {
            var remaining = buffer;
            var status = MessageFraming.TryReadMessage(ref remaining, Max, out var isCompressed, out var payload);

            Assert.True(expected == status, $"{name}: expected {expected}, got {status}");
            Assert.Equal(left, remaining.Length);
            if (status == FrameReadStatus.Message)
            {
                Assert.Equal(compressed, isCompressed);
                Assert.Equal(payloadHex, Convert.ToHexString(payload.ToArray()));
            }
        }
    }

    [Fact]
    public void FrameWritesFlagAndBigEndianLengthThenTheMessage()
    {
        var message = new StringValue { Value = "hi" };

        var framed = MessageFraming.Frame(message);

        Assert.Equal("0000000004" + "0A026869", Convert.ToHexString(framed));
    }

    [Fact]
    public void WriteMessageIntoABufferWriterRoundTripsThroughTryReadMessage()
    {
        var message = new StringValue { Value = new string('x', 300) };
        var writer = new ArrayBufferWriter<byte>();

        MessageFraming.WriteMessage(writer, message, message.CalculateSize());
        MessageFraming.WriteMessage(writer, new StringValue(), 0);

        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.Equal(FrameReadStatus.Message, MessageFraming.TryReadMessage(ref buffer, 1024, out _, out var first));
        Assert.Equal(message, StringValue.Parser.ParseFrom(first));
        Assert.Equal(FrameReadStatus.Message, MessageFraming.TryReadMessage(ref buffer, 1024, out _, out var second));
        Assert.Equal(0, second.Length);
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData(0, "0000000000")]
    [InlineData(1, "0000000001")]
    [InlineData(256, "0000000100")]
    [InlineData(int.MaxValue, "007FFFFFFF")]
    public void WriteHeaderUsesBigEndian(int length, string expectedHex)
    {
        var header = new byte[5];

        MessageFraming.WriteHeader(header, compressed: false, length);

        Assert.Equal(expectedHex, Convert.ToHexString(header));
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

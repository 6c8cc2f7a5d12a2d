using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace LlamaSwap.Rpc.Wire;

/// <summary>What <see cref="MessageFraming.TryReadMessage"/> found at the start of a buffer.</summary>
internal enum FrameReadStatus
{
    /// <summary>A whole message; the buffer was advanced past it.</summary>
    Message,
    /// <summary>Not enough bytes yet for the header or the payload; the buffer is untouched.</summary>
    NeedMoreData,
    /// <summary>The compressed flag is neither 0 nor 1.</summary>
    InvalidCompressedFlag,
    /// <summary>The length prefix exceeds the receive limit (known from the header alone).</summary>
    MessageTooLarge,
}

/// <summary>
/// gRPC's Length-Prefixed-Message: Compressed-Flag (1 byte, 0 or 1), Message-Length
/// (uint32 big-endian), Message. Message boundaries have nothing to do with HTTP/2
/// DATA frame boundaries, so reading works on a <see cref="ReadOnlySequence{T}"/> that
/// may hold part of a message, one message, or several.
/// </summary>
internal static class MessageFraming
{
    /// <summary>
    /// Reads one message from the start of <paramref name="buffer"/>. On
    /// <see cref="FrameReadStatus.Message"/>, <paramref name="payload"/> is the message
    /// bytes (a slice of the input, valid until the reader advances) and
    /// <paramref name="buffer"/> starts after it; otherwise the buffer is unchanged.
    /// </summary>
    public static FrameReadStatus TryReadMessage(
        ref ReadOnlySequence<byte> buffer,
        int maxMessageSize,
        out bool compressed,
        out ReadOnlySequence<byte> payload)
    {
        compressed = false;
        payload = default;
        if (buffer.Length < GrpcProtocolConstants.MessageHeaderSize)
        {
            return FrameReadStatus.NeedMoreData;
        }

        Span<byte> header = stackalloc byte[GrpcProtocolConstants.MessageHeaderSize];
        buffer.Slice(0, GrpcProtocolConstants.MessageHeaderSize).CopyTo(header);
        switch (header[0])
        {
            case 0:
                break;
            case 1:
                compressed = true;
                break;
            default:
                return FrameReadStatus.InvalidCompressedFlag;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageSize)
        {
            return FrameReadStatus.MessageTooLarge;
        }

        if (buffer.Length - GrpcProtocolConstants.MessageHeaderSize < length)
        {
            return FrameReadStatus.NeedMoreData;
        }

        payload = buffer.Slice(GrpcProtocolConstants.MessageHeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return FrameReadStatus.Message;
    }

    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Writes header and message into <paramref name="writer"/> without an intermediate copy.</summary>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int size)
    {
        WriteHeader(writer.GetSpan(GrpcProtocolConstants.MessageHeaderSize), compressed: false, size);
        writer.Advance(GrpcProtocolConstants.MessageHeaderSize);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }

    /// <summary>One framed message in a new array, for request bodies that need a fixed content.</summary>
    public static byte[] Frame(IMessage message)
    {
        var size = message.CalculateSize();
        var framed = new byte[GrpcProtocolConstants.MessageHeaderSize + size];
        WriteHeader(framed, compressed: false, size);
        message.WriteTo(framed.AsSpan(GrpcProtocolConstants.MessageHeaderSize));
        return framed;
    }
}

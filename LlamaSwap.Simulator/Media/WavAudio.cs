using System.Buffers.Binary;

namespace LlamaSwap.Simulator.Media;

/// <summary>A short PCM WAV (16 kHz, mono, 16-bit): a quarter second of a 440 Hz tone.</summary>
internal static class WavAudio
{
    private const int SampleRate = 16_000;
    private const int Samples = SampleRate / 4;
    private const int HeaderSize = 44;

    public static byte[] Create()
    {
        var wav = new byte[HeaderSize + (Samples * 2)];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], wav.Length - 8);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16); // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * 2); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2); // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16); // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], Samples * 2);
        for (var i = 0; i < Samples; i++)
        {
            var sample = (short)(Math.Sin(2 * Math.PI * 440 * i / SampleRate) * short.MaxValue * 0.2);
            BinaryPrimitives.WriteInt16LittleEndian(span[(HeaderSize + (i * 2))..], sample);
        }

        return wav;
    }
}

using System.Buffers.Binary;

namespace SafeChat.Scoring;

/// <summary>
/// A compact, versioned binary form of <see cref="MessageSignals"/> for state stores that keep windows outside the
/// process (for example Redis). A decoded value equals the encoded one field for field (floats bit for bit), chunks
/// included, so a conversation is assessed the same on one node as on many.
/// </summary>
public static class MessageSignalsCodec
{
    // Version 2 adds the semantic stage's two scores after the transcript score; version 1 (without them) still decodes.
    private const byte Version = 2;
    private const byte VersionWithoutSemantic = 1;

    /// <summary>Encodes <paramref name="signals"/>.</summary>
    public static byte[] Encode(MessageSignals signals)
    {
        if (signals is null)
        {
            throw new ArgumentNullException(nameof(signals));
        }

        var buffer = new byte[1 + Size(signals)];
        buffer[0] = Version;
        Write(signals, buffer.AsSpan(1), allowChunks: true);
        return buffer;
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="FormatException">The bytes are not an encoded <see cref="MessageSignals"/>.</exception>
    public static MessageSignals Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 1 || (bytes[0] != Version && bytes[0] != VersionWithoutSemantic))
        {
            throw new FormatException("Encoded message signals have an unknown version.");
        }

        var rest = bytes.Slice(1);
        var value = Read(ref rest, allowChunks: true, semantic: bytes[0] == Version);
        if (rest.Length != 0)
        {
            throw new FormatException("Encoded message signals have trailing bytes.");
        }

        return value;
    }

    private static int Size(MessageSignals signals)
    {
        var size = 2 + 1 + (4 * (signals.Probabilities.Length + signals.HarmProbabilities.Length + 4)) + 2;
        foreach (var chunk in signals.Chunks)
        {
            size += Size(chunk);
        }

        return size;
    }

    private static int Write(MessageSignals signals, Span<byte> target, bool allowChunks)
    {
        var at = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(target.Slice(at), checked((ushort)signals.Probabilities.Length));
        at += 2;
        target[at++] = checked((byte)signals.HarmProbabilities.Length);
        foreach (var p in signals.Probabilities)
        {
            WriteSingle(target.Slice(at), p);
            at += 4;
        }

        foreach (var p in signals.HarmProbabilities)
        {
            WriteSingle(target.Slice(at), p);
            at += 4;
        }

        WriteSingle(target.Slice(at), signals.MinorCue);
        at += 4;
        WriteSingle(target.Slice(at), signals.TranscriptGrooming);
        at += 4;
        WriteSingle(target.Slice(at), signals.SemanticAuthor);
        at += 4;
        WriteSingle(target.Slice(at), signals.SemanticContext);
        at += 4;
        var chunks = allowChunks ? signals.Chunks.Count : 0;
        BinaryPrimitives.WriteUInt16LittleEndian(target.Slice(at), checked((ushort)chunks));
        at += 2;
        for (var c = 0; c < chunks; c++)
        {
            at += Write(signals.Chunks[c], target.Slice(at), allowChunks: false);
        }

        return at;
    }

    private static MessageSignals Read(ref ReadOnlySpan<byte> source, bool allowChunks, bool semantic)
    {
        if (source.Length < 3)
        {
            throw new FormatException("Encoded message signals are truncated.");
        }

        int signalCount = BinaryPrimitives.ReadUInt16LittleEndian(source);
        int harmCount = source[2];
        source = source.Slice(3);
        int cues = semantic ? 4 : 2;
        var needed = (4 * (signalCount + harmCount + cues)) + 2;
        if (source.Length < needed)
        {
            throw new FormatException("Encoded message signals are truncated.");
        }

        var signals = new float[signalCount];
        for (var i = 0; i < signalCount; i++)
        {
            signals[i] = ReadSingle(source.Slice(4 * i));
        }

        source = source.Slice(4 * signalCount);
        var harms = new float[harmCount];
        for (var i = 0; i < harmCount; i++)
        {
            harms[i] = ReadSingle(source.Slice(4 * i));
        }

        source = source.Slice(4 * harmCount);
        var minorCue = ReadSingle(source);
        var transcript = ReadSingle(source.Slice(4));
        var semanticAuthor = semantic ? ReadSingle(source.Slice(8)) : 0f;
        var semanticContext = semantic ? ReadSingle(source.Slice(12)) : 0f;
        int chunkCount = BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(4 * cues));
        source = source.Slice((4 * cues) + 2);
        if (chunkCount > 0 && !allowChunks)
        {
            throw new FormatException("Encoded message signals nest chunks inside a chunk.");
        }

        MessageSignals[]? chunks = chunkCount == 0 ? null : new MessageSignals[chunkCount];
        for (var c = 0; c < chunkCount; c++)
        {
            chunks![c] = Read(ref source, allowChunks: false, semantic);
        }

        return new MessageSignals(signals, harms, minorCue, transcript, chunks, semanticAuthor, semanticContext);
    }

    // BitConverter keeps the exact bits (NaN payloads included) and exists on netstandard2.1, unlike the Single overloads.
    private static void WriteSingle(Span<byte> target, float value) =>
        BinaryPrimitives.WriteInt32LittleEndian(target, BitConverter.SingleToInt32Bits(value));

    private static float ReadSingle(ReadOnlySpan<byte> source) =>
        BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(source));
}

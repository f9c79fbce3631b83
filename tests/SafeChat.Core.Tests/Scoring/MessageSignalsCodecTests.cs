using SafeChat.Scoring;

namespace SafeChat.Core.Tests.Scoring;

public sealed class MessageSignalsCodecTests
{
    [Fact]
    public void Decode_EncodedWithChunksAndCues_RoundTripsBitForBit()
    {
        var chunkA = new MessageSignals([0.1f, 0.9f, float.Epsilon], [0.2f, 0.3f], minorCue: 0.4f, transcriptGrooming: 0f, chunks: null);
        var chunkB = new MessageSignals([0.7f, 0.2f, 1f], [0.5f, 0.1f], minorCue: 0.05f, transcriptGrooming: 0f, chunks: null);
        var message = new MessageSignals([0.7f, 0.9f, 1f], [0.5f, 0.3f], minorCue: 0.4f, transcriptGrooming: 0.8765432f, chunks: [chunkA, chunkB]);

        var decoded = MessageSignalsCodec.Decode(MessageSignalsCodec.Encode(message));

        Assert.Equal(message.Probabilities.ToArray(), decoded.Probabilities.ToArray());
        Assert.Equal(message.HarmProbabilities.ToArray(), decoded.HarmProbabilities.ToArray());
        Assert.Equal(message.MinorCue, decoded.MinorCue);
        Assert.Equal(message.TranscriptGrooming, decoded.TranscriptGrooming);
        Assert.Equal(message.Salience, decoded.Salience);
        Assert.Equal(2, decoded.Chunks.Count);
        Assert.Equal(chunkA.Probabilities.ToArray(), decoded.Chunks[0].Probabilities.ToArray());
        Assert.Equal(chunkB.MinorCue, decoded.Chunks[1].MinorCue);
        Assert.Empty(decoded.Chunks[0].Chunks);
    }

    [Fact]
    public void Decode_SemanticScores_RoundTripBitForBit()
    {
        var chunk = new MessageSignals([0.1f], [0.2f], 0f, 0f, null, semanticAuthor: 0.25f, semanticContext: 0.75f);
        var message = new MessageSignals([0.3f], [0.4f], 0.1f, 0f, [chunk], semanticAuthor: 0.123456789f, semanticContext: 0.987654321f);

        var decoded = MessageSignalsCodec.Decode(MessageSignalsCodec.Encode(message));

        Assert.Equal(message.SemanticAuthor, decoded.SemanticAuthor);
        Assert.Equal(message.SemanticContext, decoded.SemanticContext);
        Assert.Equal(0.25f, decoded.Chunks[0].SemanticAuthor);
        Assert.Equal(0.75f, decoded.Chunks[0].SemanticContext);
    }

    [Fact]
    public void Decode_Version1BytesWithoutSemanticScores_DecodesWithZeroScores()
    {
        // Version 1, as written before the semantic stage: 1 signal, 1 harm, minor cue, transcript score, no chunks.
        var bytes = new List<byte> { 1, 1, 0, 1 };
        foreach (var value in new[] { 0.5f, 0.25f, 0.125f, 0.75f })
        {
            bytes.AddRange(BitConverter.GetBytes(value));
        }

        bytes.AddRange([0, 0]);

        var decoded = MessageSignalsCodec.Decode(bytes.ToArray());

        Assert.Equal([0.5f], decoded.Probabilities.ToArray());
        Assert.Equal([0.25f], decoded.HarmProbabilities.ToArray());
        Assert.Equal(0.125f, decoded.MinorCue);
        Assert.Equal(0.75f, decoded.TranscriptGrooming);
        Assert.Equal(0f, decoded.SemanticAuthor);
        Assert.Equal(0f, decoded.SemanticContext);
    }

    [Fact]
    public void Decode_EmptySignals_RoundTrips()
    {
        var decoded = MessageSignalsCodec.Decode(MessageSignalsCodec.Encode(MessageSignals.Empty(13)));

        Assert.Equal(13, decoded.Probabilities.Length);
        Assert.Equal(HarmNames.All.Count, decoded.HarmProbabilities.Length);
        Assert.Empty(decoded.Chunks);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 9 })]
    [InlineData(new byte[] { 1, 2 })]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 0 })]
    public void Decode_Malformed_ThrowsFormatException(byte[] bytes) =>
        Assert.Throws<FormatException>(() => MessageSignalsCodec.Decode(bytes));

    [Fact]
    public void Decode_TrailingBytes_ThrowsFormatException()
    {
        var bytes = MessageSignalsCodec.Encode(MessageSignals.Empty(2)).Concat(new byte[] { 0 }).ToArray();

        Assert.Throws<FormatException>(() => MessageSignalsCodec.Decode(bytes));
    }
}

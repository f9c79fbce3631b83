using SafeChat.Conversations;
using SafeChat.Scoring;
using SafeChat.State;

namespace SafeChat.Core.Tests.State;

public class QuantizedWindowEntriesTests
{
    private const float Step = 1f / QuantizedWindowEntries.Scale;

    private static MessageSignals Signals(Random random, int signals, int harms, int chunks = 0) =>
        new(
            [.. Enumerable.Range(0, signals).Select(_ => random.NextSingle())],
            [.. Enumerable.Range(0, harms).Select(_ => random.NextSingle())],
            random.NextSingle(),
            random.NextSingle(),
            chunks == 0 ? null : [.. Enumerable.Range(0, chunks).Select(_ => Signals(random, signals, harms))],
            random.NextSingle(),
            random.NextSingle());

    private static void AssertClose(MessageSignals expected, MessageSignals actual)
    {
        Assert.Equal(expected.Probabilities.Length, actual.Probabilities.Length);
        Assert.Equal(expected.HarmProbabilities.Length, actual.HarmProbabilities.Length);
        for (var i = 0; i < expected.Probabilities.Length; i++)
        {
            Assert.InRange(actual.Probabilities[i] - expected.Probabilities[i], -Step, Step);
        }

        for (var i = 0; i < expected.HarmProbabilities.Length; i++)
        {
            Assert.InRange(actual.HarmProbabilities[i] - expected.HarmProbabilities[i], -Step, Step);
        }

        Assert.InRange(actual.MinorCue - expected.MinorCue, -Step, Step);
        Assert.InRange(actual.TranscriptGrooming - expected.TranscriptGrooming, -Step, Step);
        Assert.InRange(actual.SemanticAuthor - expected.SemanticAuthor, -Step, Step);
        Assert.InRange(actual.SemanticContext - expected.SemanticContext, -Step, Step);
        Assert.Equal(expected.Chunks.Count, actual.Chunks.Count);
        for (var c = 0; c < expected.Chunks.Count; c++)
        {
            AssertClose(expected.Chunks[c], actual.Chunks[c]);
        }
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(7, 4)]
    [InlineData(13, 6)]
    [InlineData(40, 11)]
    public void SetThenRead_AnySignalAndHarmCount_RoundTripsWithinOneQuantizationStep(int signals, int harms)
    {
        var random = new Random(signals * 100 + harms);
        var entries = new QuantizedWindowEntries(signals, harms);
        entries.Resize(5);
        var written = Enumerable.Range(0, 5).Select(i => Signals(random, signals, harms, chunks: i == 2 ? 3 : 0)).ToArray();
        for (var i = 0; i < written.Length; i++)
        {
            entries.Set(i, 10 + i, i % 2, AgeBand.Teen, AgeAssurance.Estimated, written[i]);
        }

        string[] authors = ["a", "b"];
        for (var i = 0; i < written.Length; i++)
        {
            var message = entries.Read(i, authors);
            Assert.Equal(10 + i, message.Index);
            Assert.Equal(authors[i % 2], message.AuthorId);
            Assert.Equal(AgeBand.Teen, message.AuthorAge);
            Assert.Equal(AgeAssurance.Estimated, message.AuthorAssurance);
            AssertClose(written[i], message.Signals);
            Assert.InRange(entries.Salience(i) - written[i].Salience, -Step, Step);
        }
    }

    [Fact]
    public void Quantize_OutOfRangeAndNaN_ClampsToTheUnitInterval()
    {
        Assert.Equal(0, QuantizedWindowEntries.Quantize(float.NaN));
        Assert.Equal(0, QuantizedWindowEntries.Quantize(-3f));
        Assert.Equal(ushort.MaxValue, QuantizedWindowEntries.Quantize(7f));
        Assert.Equal(1f, QuantizedWindowEntries.Dequantize(QuantizedWindowEntries.Quantize(1f)));
        Assert.Equal(0f, QuantizedWindowEntries.Dequantize(QuantizedWindowEntries.Quantize(0f)));
    }

    [Fact]
    public void Fits_DifferentSignalCount_IsFalse()
    {
        var entries = new QuantizedWindowEntries(3, 2);
        Assert.True(entries.Fits(new MessageSignals([0f, 0f, 0f], [0f, 0f])));
        Assert.False(entries.Fits(new MessageSignals([0f, 0f], [0f, 0f])));
        Assert.False(entries.Fits(new MessageSignals([0f, 0f, 0f], [0f, 0f, 0f])));
        Assert.False(entries.Fits(new MessageSignals([0f, 0f, 0f], [0f, 0f], 0f, 0f, [new MessageSignals([0f], [0f, 0f])])));
    }

    [Fact]
    public void Read_WithDecodedKept_ReturnsTheSameObjectUntilThePositionIsSetAgain()
    {
        var random = new Random(7);
        var entries = new QuantizedWindowEntries(13, 6);
        entries.Resize(3);
        entries.Set(0, 1, 0, AgeBand.Unknown, AgeAssurance.Unknown, Signals(random, 13, 6, chunks: 2));
        entries.Set(1, 2, 0, AgeBand.Unknown, AgeAssurance.Unknown, Signals(random, 13, 6));
        string[] authors = ["a"];

        // Idle (compact) form: every read decodes anew.
        Assert.NotSame(entries.Read(0, authors).Signals, entries.Read(0, authors).Signals);
        Assert.False(entries.KeepsDecoded);

        entries.EnableDecoded();
        var first = entries.Read(0, authors).Signals;
        Assert.Same(first, entries.Read(0, authors).Signals);
        AssertClose(first, entries.Read(0, authors).Signals);

        // A copy carries the decoded signals along with the quantized values; a new entry is decoded again.
        entries.CopyFrom(entries, 0, 2);
        Assert.Same(first, entries.Read(2, authors).Signals);
        var replacement = Signals(random, 13, 6);
        entries.Set(0, 3, 0, AgeBand.Unknown, AgeAssurance.Unknown, replacement);
        Assert.NotSame(first, entries.Read(0, authors).Signals);
        AssertClose(replacement, entries.Read(0, authors).Signals);

        entries.DropDecoded();
        Assert.False(entries.KeepsDecoded);
        Assert.NotSame(entries.Read(1, authors).Signals, entries.Read(1, authors).Signals);
    }
}

using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Inference.Models;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>
/// The shipped graphs evaluated from their weights in managed code against ONNX Runtime running the same graphs, and
/// the managed path's independence from batch composition (device path = server path, bit for bit).
/// </summary>
public sealed class ManagedKernelParityTests(ScorerFixture fixture) : IClassFixture<ScorerFixture>
{
    // ONNX Runtime itself differs from one batch shape to another by about 1e-7; the graphs' math is the same.
    private const float Tolerance = 2e-6f;

    private static readonly string[] Texts =
    [
        "gg that round was close", "how old r u btw", "ur so mature for ur age fr", "dont tell ur parents ok its our thing",
        "add me on snap its easier to talk there", "send me a pic or i post the video", "you have 24 hours to pay",
        "mvp ulti", "ez 500", "space created hah", "i know where you live", "u free after school?", "", "lol",
        string.Join(" ", Enumerable.Repeat("this is a long pasted log line with many words and more words", 12)),
    ];

    [Fact]
    public void LoadDefault_ShippedGraphs_UseManagedKernels()
    {
        Assert.True(fixture.Scorer.UsesManagedKernels);
    }

    [Fact]
    public void AnalyzeBatch_ManagedKernels_MatchOnnxRuntimeWithinRounding()
    {
        using var onnx = LoadOnnxRuntime();
        Assert.False(onnx.UsesManagedKernels);
        var managed = fixture.Scorer.AnalyzeBatch(Texts);
        var reference = onnx.AnalyzeBatch(Texts);
        for (int i = 0; i < Texts.Length; i++)
        {
            AssertClose(reference[i].Probabilities, managed[i].Probabilities, Texts[i]);
            AssertClose(reference[i].HarmProbabilities, managed[i].HarmProbabilities, Texts[i]);
            Assert.InRange(Math.Abs(reference[i].MinorCue - managed[i].MinorCue), 0f, Tolerance);
            Assert.InRange(Math.Abs(reference[i].TranscriptGrooming - managed[i].TranscriptGrooming), 0f, Tolerance);
        }

        var window = managed.Select((s, i) => new WindowMessage(i, i % 3 == 0 ? "a" : "b", i % 3 == 0 ? AgeBand.Unknown : AgeBand.Teen, s)).ToArray();
        var a = fixture.Scorer.Assess(window);
        var b = onnx.Assess(window);
        foreach (var harm in HarmNames.All)
        {
            Assert.InRange(Math.Abs(a.Harms[harm] - b.Harms[harm]), 0f, Tolerance);
        }
    }

    [Fact]
    public void AnalyzeMessage_AnyBatchComposition_BitIdenticalToBatch()
    {
        var batch = fixture.Scorer.AnalyzeBatch(Texts);
        var reversed = fixture.Scorer.AnalyzeBatch(Texts.Reverse().ToArray());
        for (int i = 0; i < Texts.Length; i++)
        {
            var single = fixture.Scorer.AnalyzeMessage(Texts[i]);
            Assert.Equal(single.Probabilities.ToArray(), batch[i].Probabilities.ToArray());
            Assert.Equal(single.HarmProbabilities.ToArray(), batch[i].HarmProbabilities.ToArray());
            Assert.Equal(single.MinorCue, batch[i].MinorCue);
            Assert.Equal(single.TranscriptGrooming, batch[i].TranscriptGrooming);
            Assert.Equal(single.Probabilities.ToArray(), reversed[Texts.Length - 1 - i].Probabilities.ToArray());
        }
    }

    private static OnnxSafetyScorer LoadOnnxRuntime()
    {
        var assembly = typeof(OnnxSafetyScorer).Assembly;
        return OnnxSafetyScorer.LoadWithOnnxRuntime(
            new EmbeddedModelFileSource(assembly, ModelLayout.ResourcePrefix(ModelLayout.SignalsModelId)),
            new EmbeddedModelFileSource(assembly, ModelLayout.ResourcePrefix(ModelLayout.RiskModelId)));
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string text)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"output {i} of \"{text}\": ONNX Runtime {expected[i]:R}, managed {actual[i]:R}");
        }
    }
}

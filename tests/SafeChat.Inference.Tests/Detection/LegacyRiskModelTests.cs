using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Inference.Models;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>
/// An aggregator trained before the group-chat feature block (Fixtures/legacy-risk-model, the risk model shipped with
/// 192 features) still loads next to the current signals model and reads the first features of each row, in managed
/// code and in ONNX Runtime alike.
/// </summary>
public sealed class LegacyRiskModelTests
{
    private const float Tolerance = 2e-6f;

    private static readonly string LegacyDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-risk-model");

    private static EmbeddedModelFileSource ShippedSignals() =>
        new(typeof(OnnxSafetyScorer).Assembly, ModelLayout.ResourcePrefix(ModelLayout.SignalsModelId));

    [Fact]
    public void Load_AggregatorBeforeGroupBlock_UsesManagedKernelsAndMatchesOnnxRuntime()
    {
        using var managed = OnnxSafetyScorer.Load(ShippedSignals(), new DirectoryModelFileSource(LegacyDirectory));
        using var onnx = OnnxSafetyScorer.LoadWithOnnxRuntime(ShippedSignals(), new DirectoryModelFileSource(LegacyDirectory));
        managed.MessageCacheCapacity = 0;
        onnx.MessageCacheCapacity = 0;
        string[] texts = ["how old r u", "ur so mature for ur age", "dont tell ur parents", "gg", "add me on snap", "lol ok", "send a pic"];
        string[] authors = ["adult", "kid", "adult", "third", "adult", "kid", "fourth"];
        var signals = managed.AnalyzeBatch(texts);
        var window = signals.Select((s, i) => new WindowMessage(i, authors[i], authors[i] == "kid" ? AgeBand.Teen : AgeBand.Unknown, s)).ToArray();

        var a = managed.Assess(window);
        var b = onnx.Assess(window);

        Assert.True(managed.UsesManagedKernels);
        Assert.True(RiskFeatures.LegacyCount < RiskFeatures.Count);
        foreach (var harm in HarmNames.All)
        {
            Assert.InRange(a.Harms[harm], 0f, 1f);
            Assert.InRange(Math.Abs(a.Harms[harm] - b.Harms[harm]), 0f, Tolerance);
        }

        Assert.True(a.Harms[HarmNames.Grooming] > 0.01f);
    }
}

using System.Text.Json.Nodes;
using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Inference.Models;
using SafeChat.Inference.Onnx;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

/// <summary>The semantic second stage of the shipped risk model (semantic.onnx and the card's semantic_stage).</summary>
public sealed class SemanticStageTests(ScorerFixture fixture) : IClassFixture<ScorerFixture>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "safechat-semantic-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void LoadDefault_ShippedRiskModel_HasTheStageAndNamesItInTheModelVersion()
    {
        var stage = fixture.Scorer.Semantic;

        Assert.NotNull(stage);
        Assert.Matches("\\+semantic@[0-9a-f]{8}$", fixture.Scorer.Descriptor.ModelVersion);
        Assert.InRange(stage.Gate, 0.01f, 0.99f);
        Assert.InRange(stage.Threshold, 0.01f, 0.999f);
    }

    [Fact]
    public void AnalyzeMessage_Text_CarriesBothSemanticScoresAndAnEmptyLineNone()
    {
        var line = fixture.Scorer.AnalyzeMessage("you are so mature for your age, do your parents check your phone");
        var empty = fixture.Scorer.AnalyzeMessage("");

        Assert.InRange(line.SemanticAuthor, 1e-6f, 1f - 1e-6f);
        Assert.InRange(line.SemanticContext, 1e-6f, 1f - 1e-6f);
        Assert.Equal(0f, empty.SemanticAuthor);
        Assert.Equal(0f, empty.SemanticContext);
    }

    [Fact]
    public void Probability_Window_IsTheLogisticModelOfTheAuthorsMeansAndCounts()
    {
        var stage = fixture.Scorer.Semantic!;
        string[] texts = ["hey how was school", "ok i guess", "u look so grown up in ur pic", "thx", "dont tell ur mom we talk ok", "why"];
        string[] authors = ["adult", "kid", "adult", "kid", "adult", "kid"];
        var window = fixture.Scorer.AnalyzeBatch(texts).Select((s, i) => new WindowMessage(i, authors[i], AgeBand.Unknown, s)).ToArray();

        static double Logit(float p) => Math.Log(p / (1 - p));
        double own = window.Where(m => m.AuthorId == "adult").Average(m => Logit(m.Signals.SemanticAuthor));
        double other = window.Where(m => m.AuthorId != "adult").Average(m => Logit(m.Signals.SemanticContext));
        double z = stage.Bias + (stage.Scale * own) + (stage.Scale * other) + (stage.OwnCountWeight * Math.Log(4) / 4) + (stage.OtherCountWeight * Math.Log(4) / 4);

        Assert.Equal(1 / (1 + Math.Exp(-z)), stage.Probability(window, "adult"), 1e-4);
        Assert.Equal(0f, stage.Probability(window, "nobody"));
    }

    [Fact]
    public void Apply_AuthorsBelowTheGateOrKnownMinors_KeepTheirRiskAndNoRiskIsLowered()
    {
        var stage = fixture.Scorer.Semantic!;
        string[] texts = ["hey sexy how old r u", "13", "u ever been with an older guy", "no", "i want to meet u, dont tell ur mom", "ok"];
        string[] authors = ["adult", "kid", "adult", "kid", "adult", "kid"];
        var signals = fixture.Scorer.AnalyzeBatch(texts);
        var window = signals.Select((s, i) => new WindowMessage(i, authors[i], authors[i] == "kid" ? AgeBand.Teen : AgeBand.Unknown, s)).ToArray();
        var features = new WindowFeatures();
        features.Build(window);
        int k = HarmNames.All.Count;
        int grooming = HarmNames.All.ToList().IndexOf(HarmNames.Grooming);
        int adult = features.Authors.ToList().IndexOf("adult");
        int kid = features.Authors.ToList().IndexOf("kid");
        float threshold = fixture.Threshold(HarmNames.Grooming);

        // Below the gate: unchanged. Above it: raised to the alert threshold or more when the stage confirms, never lowered.
        var below = new float[features.Authors.Count * k];
        below[(adult * k) + grooming] = stage.Gate / 2;
        stage.Apply(window, features, below, grooming, threshold);
        Assert.Equal(stage.Gate / 2, below[(adult * k) + grooming]);

        var above = new float[features.Authors.Count * k];
        above[(adult * k) + grooming] = stage.Gate;
        above[(kid * k) + grooming] = 0.9f;
        stage.Apply(window, features, above, grooming, threshold);
        float p = stage.Probability(window, "adult");
        Assert.Equal(p >= stage.Threshold, above[(adult * k) + grooming] >= threshold);
        Assert.True(above[(adult * k) + grooming] >= stage.Gate);
        Assert.Equal(0.9f, above[(kid * k) + grooming]);
    }

    [Fact]
    public void Apply_KnownAdultsOnly_NeverRaisesTheRisk()
    {
        // The stage reads meaning, not ages: with every other author a known adult there is nobody to groom, so it must not
        // lift an author over the threshold that the evidence gate keeps below it.
        var stage = fixture.Scorer.Semantic!;
        // Lines the stage reads as strongly as it can (its two stored scores near 1), between two verified adults.
        var strong = new MessageSignals(new float[SignalNames.All.Count], new float[HarmNames.All.Count], 0f, 0f, null, 0.999f, 0.999f);
        var window = Enumerable.Range(0, 8).Select(i => new WindowMessage(i, i % 2 == 0 ? "a" : "b", AgeBand.Adult, strong, AgeAssurance.Verified)).ToArray();
        var features = new WindowFeatures();
        features.Build(window);
        int k = HarmNames.All.Count;
        int grooming = HarmNames.All.ToList().IndexOf(HarmNames.Grooming);
        int a = features.Authors.ToList().IndexOf("a");
        var risks = new float[features.Authors.Count * k];
        risks[(a * k) + grooming] = 0.8f;

        stage.Apply(window, features, risks, grooming, fixture.Threshold(HarmNames.Grooming));

        Assert.True(stage.Probability(window, "a") >= stage.Threshold, "the stage must confirm these lines for the test to mean anything");
        Assert.Equal(0.8f, risks[(a * k) + grooming]);

        // The same lines with an unknown-age other side: the stage confirms and raises the risk.
        var open = window.Select(m => m.AuthorId == "b" ? new WindowMessage(m.Index, "b", AgeBand.Unknown, m.Signals) : m).ToArray();
        features.Build(open);
        stage.Apply(open, features, risks, grooming, fixture.Threshold(HarmNames.Grooming));
        Assert.True(risks[(a * k) + grooming] >= fixture.Threshold(HarmNames.Grooming));
    }

    [Fact]
    public void SemanticGraph_ManagedKernel_MatchesOnnxRuntime()
    {
        var bytes = EmbeddedRiskFile(SemanticStage.FileName);
        var kernel = LinearGraphReader.TryReadSparse(bytes);
        using var onnx = OnnxLinearModel.FromBytes(bytes);
        Assert.NotNull(kernel);
        Assert.Equal(2, onnx.OutputCount);
        var random = new Random(5);
        for (int row = 0; row < 20; row++)
        {
            int n = random.Next(1, 30);
            long[] ids = [.. Enumerable.Range(0, n).Select(_ => (long)random.Next(kernel.FeatureCount))];
            float[] values = [.. Enumerable.Repeat(1f / n, n)];
            var managed = new float[2];
            var runtime = new float[2];

            kernel.Run(ids, values, managed);
            onnx.Run(ids, values, runtime);

            Assert.Equal(runtime[0], managed[0], 2e-6f);
            Assert.Equal(runtime[1], managed[1], 2e-6f);
        }
    }

    [Fact]
    public void Load_CardWithoutTheStagesFile_ThrowsNamingFiles()
    {
        var card = ExtractWithCard();
        card["files"]!.AsObject().Remove(SemanticStage.FileName);
        WriteCard(card);

        var ex = Assert.Throws<ModelCardException>(() => OnnxSafetyScorer.Load(_root));
        Assert.Contains("$.files", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("threshold", 1.5)]
    [InlineData("gate", -0.1)]
    public void Load_StageNumberOutOfRange_ThrowsNamingItsJsonPath(string key, double value)
    {
        var card = ExtractWithCard();
        card["hyperparameters"]![SemanticStage.CardKey]![key] = value;
        WriteCard(card);

        var ex = Assert.Throws<ModelCardException>(() => OnnxSafetyScorer.Load(_root));
        Assert.Contains($"$.hyperparameters.semantic_stage.{key}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CardWithoutTheStage_LoadsWithoutIt()
    {
        var card = ExtractWithCard();
        card["hyperparameters"]!.AsObject().Remove(SemanticStage.CardKey);
        WriteCard(card);

        using var scorer = OnnxSafetyScorer.Load(_root);

        Assert.Null(scorer.Semantic);
        Assert.DoesNotContain("semantic", scorer.Descriptor.ModelVersion, StringComparison.Ordinal);
        Assert.Equal(0f, scorer.AnalyzeMessage("hello there").SemanticAuthor);
    }

    private JsonObject ExtractWithCard()
    {
        ShippedModels.Extract(ModelLayout.SignalsModelId, _root);
        ShippedModels.Extract(ModelLayout.RiskModelId, _root);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(_root, ModelLayout.RiskModelId, ModelCard.CardFileName)))!.AsObject();
    }

    private void WriteCard(JsonObject card) =>
        File.WriteAllText(Path.Combine(_root, ModelLayout.RiskModelId, ModelCard.CardFileName), card.ToJsonString());

    private static byte[] EmbeddedRiskFile(string name) =>
        ModelCard.LoadVerifiedModel(new EmbeddedModelFileSource(typeof(OnnxSafetyScorer).Assembly, ModelLayout.ResourcePrefix(ModelLayout.RiskModelId)))
            .GetFile(name).ToArray();
}

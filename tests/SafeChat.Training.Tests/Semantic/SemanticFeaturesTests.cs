using SafeChat.Inference.Features;
using SafeChat.Inference.Onnx;
using SafeChat.Training.Onnx;
using SafeChat.Training.Semantic;

namespace SafeChat.Training.Tests.Semantic;

/// <summary>The folded semantic rows: featurizer hook, training-time assembly and fold, distillation, graph parity (tiny fixtures, no encoder).</summary>
public sealed class SemanticFeaturesTests
{
    private const int Vocabulary = 6;
    private const int Width = 3;

    [Fact]
    public void WriteChunk_SemanticOffset_AppendsEachTokenValuedOneOverN()
    {
        int[] tokens = [3, 5, 3];
        var ids = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var values = new float[MessageFeaturizer.MaxFeaturesPerChunk];

        int count = MessageFeaturizer.WriteChunk(tokens, 0, ids, values, SemanticFeatures.Offset);

        Assert.Equal(5 + 3, count);
        Assert.Equal([SemanticFeatures.Offset + 3L, SemanticFeatures.Offset + 5L, SemanticFeatures.Offset + 3L], ids[5..8]);
        Assert.All(values[5..8], v => Assert.Equal(1f / 3f, v));
        Assert.All(values[..5], v => Assert.Equal(1f / MathF.Sqrt(5), v));
        Assert.All(values[8..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WriteChunk_LongestChunkWithSemantic_FitsTheSlots()
    {
        var tokens = Enumerable.Range(1, 40).ToArray();
        var ids = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var values = new float[MessageFeaturizer.MaxFeaturesPerChunk];
        var plainIds = new long[MessageFeaturizer.MaxFeaturesPerChunk];
        var plainValues = new float[MessageFeaturizer.MaxFeaturesPerChunk];

        int count = MessageFeaturizer.WriteChunk(tokens, 1, ids, values, SemanticFeatures.Offset);
        int plain = MessageFeaturizer.WriteChunk(tokens, 1, plainIds, plainValues);

        Assert.Equal(MessageFeaturizer.ChunkTokens + MessageFeaturizer.ChunkTokens - 1 + MessageFeaturizer.ChunkTokens, count);
        Assert.True(count <= MessageFeaturizer.MaxFeaturesPerChunk);
        Assert.Equal(plainIds[..plain], ids[..plain]);
        Assert.Equal(plainValues[..plain], values[..plain]);
    }

    [Fact]
    public void Fold_TrainedWeights_ScoreLikeTheExpandedDenseFeatures()
    {
        var table = TinyTable();
        var examples = new List<LineExample>
        {
            Example([7, 90], [1, 2, 2]),
            Example([11], [4, 5]),
            Example([7, 13], [1, 3, 4, 5]),
        };
        var semantic = SemanticLineFeatures.Create(table, examples, 2f);
        const int heads = 2;
        var random = new Random(5);
        var weights = new float[semantic.TrainingDimension * heads];
        foreach (var i in new[] { 7, 11, 13, 90 })
        {
            weights[i * heads] = (float)random.NextDouble();
            weights[(i * heads) + 1] = (float)random.NextDouble();
        }

        for (int j = 0; j < Width * heads; j++)
        {
            weights[(SemanticFeatures.Offset * heads) + j] = (float)(random.NextDouble() * 4 - 2);
        }

        var folded = semantic.Fold(weights, heads);

        Assert.Equal(semantic.FoldedDimension * heads, folded.Length);
        foreach (var e in examples)
        {
            var expanded = semantic.Expand(e.Features);
            Assert.All(expanded.Indices, i => Assert.InRange(i, 0, semantic.TrainingDimension - 1));
            for (int h = 0; h < heads; h++)
            {
                Assert.Equal(Dot(expanded, weights, heads, h), Dot(e.Features, folded, heads, h), 1e-5);
            }
        }
    }

    [Fact]
    public void Create_RequestedScale_IsTheMeanDenseNorm()
    {
        var examples = new List<LineExample> { Example([7], [1, 2]), Example([8], [3]), Example([9], [4, 5, 1]) };
        var semantic = SemanticLineFeatures.Create(TinyTable(), examples, 1.5f);

        double mean = examples.Average(e =>
        {
            var x = semantic.Expand(e.Features);
            return Math.Sqrt(x.Values.Skip(1).Sum(v => (double)v * v));
        });

        Assert.Equal(1.5, mean, 1e-4);
    }

    [Fact]
    public void Distill_DominantDirection_KeptAndQuantized()
    {
        var random = new Random(3);
        var embeddings = new float[40][];
        embeddings[0] = new float[8]; // [PAD]: a zero row stays zero
        for (int i = 1; i < embeddings.Length; i++)
        {
            double along = (random.NextDouble() * 2) - 1;
            embeddings[i] = [.. Enumerable.Range(0, 8).Select(k => (float)((k < 2 ? along : 0) + (random.NextDouble() * 0.01)))];
        }

        var table = SemanticTable.Distill(embeddings, 1, seed: 1);

        Assert.True(table.ExplainedVariance > 0.95, $"explained {table.ExplainedVariance}");
        Span<float> row = stackalloc float[1];
        table.Row(0, row);
        Assert.Equal(0f, row[0]);
        table.Row(5, row);
        double expected = embeddings[5].Take(2).Sum(v => v) / Math.Sqrt(2);
        var mean = Enumerable.Range(1, 39).Average(i => embeddings[i].Take(2).Sum(v => v) / Math.Sqrt(2));
        Assert.Equal(Math.Abs(expected - mean), Math.Abs(row[0]), 0.02);
    }

    [Fact]
    public void EncoderTexts_ContinuationsAndSpecials_StrippedOrEmpty()
    {
        Assert.Equal(["", "", "hey", "ing", "#", "[x"], SemanticTable.EncoderTexts(["[PAD]", "[UNK]", "hey", "##ing", "#", "[x"]));
    }

    [Fact]
    public void SemanticGraph_ManagedKernel_MatchesOnnxRuntimeWithin1e5()
    {
        const int heads = 3;
        int features = SemanticFeatures.FeatureCount(50);
        var random = new Random(9);
        var weights = new float[features * heads];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var bytes = OnnxModelWriter.WriteSparseLinear(
            new SparseLinearWeights(features, heads, weights, new float[] { 0.1f, -0.2f, 0.3f }),
            new OnnxModelInfo { WeightPrecision = OnnxWeightPrecision.Float16 });
        var kernel = LinearGraphReader.TryReadSparse(bytes);
        Assert.NotNull(kernel);
        Assert.Equal(features, kernel.FeatureCount);
        using var onnx = OnnxLinearModel.FromBytes(bytes);
        int l = MessageFeaturizer.MaxFeaturesPerChunk;
        var tokens = Enumerable.Range(0, 30).Select(_ => random.Next(2, 50)).ToArray();
        var ids = new long[l];
        var values = new float[l];
        var expected = new float[heads];
        var actual = new float[heads];
        for (int c = 0; c < MessageFeaturizer.ChunkCount(tokens.Length); c++)
        {
            MessageFeaturizer.WriteChunk(tokens, c, ids, values, SemanticFeatures.Offset);
            Assert.Contains(ids, id => id >= SemanticFeatures.Offset);

            onnx.Run(ids, values, expected);
            kernel.Run(ids, values, actual);

            for (int h = 0; h < heads; h++)
            {
                Assert.InRange(Math.Abs(expected[h] - actual[h]), 0f, 1e-5f);
            }
        }
    }

    private static SemanticTable TinyTable()
    {
        sbyte[] values = [0, 0, 0, 0, 0, 0, 127, -20, 3, -5, 64, 100, 10, 10, -127, 1, 2, 3];
        float[] scales = [0f, 0f, 0.01f, 0.02f, 0.005f, 0.1f];
        return new SemanticTable(values, scales, Width);
    }

    private static LineExample Example(int[] hashed, int[] tokens)
    {
        var semantic = tokens.GroupBy(t => t).OrderBy(g => g.Key).Select(g => (Index: SemanticFeatures.Offset + g.Key, Value: g.Count() / (float)tokens.Length));
        var hashedPairs = hashed.Select(i => (Index: i, Value: 1f / MathF.Sqrt(hashed.Length)));
        var all = hashedPairs.Concat(semantic).ToArray();
        return new LineExample { Features = new SparseVector([.. all.Select(p => p.Index)], [.. all.Select(p => p.Value)]), Labels = [1, 0] };
    }

    private static double Dot(SparseVector x, float[] weights, int heads, int head)
    {
        double sum = 0;
        for (int i = 0; i < x.Indices.Length; i++)
        {
            sum += (double)x.Values[i] * weights[(x.Indices[i] * heads) + head];
        }

        return sum;
    }
}

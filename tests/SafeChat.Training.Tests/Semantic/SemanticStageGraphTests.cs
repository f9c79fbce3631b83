using SafeChat.Inference.Onnx;
using SafeChat.Training.Semantic;

namespace SafeChat.Training.Tests.Semantic;

/// <summary>The semantic stage's per-token graph reproduces the logistic model over mean line vectors it was folded from.</summary>
public sealed class SemanticStageGraphTests
{
    private const int Tokens = 40;
    private const int Dim = 6;

    [Fact]
    public void WriteGraph_LineOfTokens_GivesTheModelsOwnAndContextLogOddsOfTheMeanVector()
    {
        var random = new Random(3);
        var table = Enumerable.Range(0, Tokens).Select(_ => Enumerable.Range(0, Dim).Select(_ => random.NextSingle() - 0.5f).ToArray()).ToArray();
        var weights = Enumerable.Range(0, (2 * Dim) + 3).Select(_ => (random.NextDouble() - 0.5) * 6).ToArray();
        var graph = SemanticStageCommand.WriteGraph(table, weights);
        var kernel = LinearGraphReader.TryReadSparse(graph);
        using var onnx = OnnxLinearModel.FromBytes(graph);
        Assert.NotNull(kernel);
        Assert.Equal(2, kernel.OutputCount);
        Assert.Equal(Tokens, kernel.FeatureCount);

        for (int line = 0; line < 10; line++)
        {
            int n = random.Next(1, 12);
            long[] ids = [.. Enumerable.Range(0, n).Select(_ => (long)random.Next(Tokens))];
            float[] values = [.. Enumerable.Repeat(1f / n, n)];
            double own = 0, other = 0;
            for (int k = 0; k < Dim; k++)
            {
                double mean = ids.Average(t => table[t][k]);
                own += weights[k] * mean;
                other += weights[Dim + k] * mean;
            }

            var managed = new float[2];
            var runtime = new float[2];
            kernel.Run(ids, values, managed);
            onnx.Run(ids, values, runtime);

            Assert.Equal(own, SemanticStageCommand.Scale * Logit(managed[0]), 1e-4);
            Assert.Equal(other, SemanticStageCommand.Scale * Logit(managed[1]), 1e-4);
            Assert.Equal(runtime[0], managed[0], 2e-6f);
            Assert.Equal(runtime[1], managed[1], 2e-6f);
        }
    }

    private static double Logit(float p) => Math.Log(p / (1.0 - p));
}

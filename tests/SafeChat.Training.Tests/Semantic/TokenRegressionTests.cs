using SafeChat.Training.Semantic;

namespace SafeChat.Training.Tests.Semantic;

/// <summary>Token vectors fitted to line embeddings (<c>--stage-token-regression</c>).</summary>
public sealed class TokenRegressionTests
{
    private const int Tokens = 12;
    private const int Dim = 4;

    [Fact]
    public void Fit_LinesThatAreMeansOfHiddenVectors_MovesSeenTokensTowardsThemAndLeavesUnseenOnesAlone()
    {
        var random = new Random(5);
        float[][] Random() => [.. Enumerable.Range(0, Tokens).Select(_ => Enumerable.Range(0, Dim).Select(_ => random.NextSingle() - 0.5f).ToArray())];
        var alone = Random();
        var hidden = Random();
        // Tokens 0..9 appear in many lines; 10 and 11 in none. Token 0 is a special token (zero row).
        alone[0] = new float[Dim];
        var lines = new List<IReadOnlyList<int>>();
        var targets = new List<float[]>();
        for (int s = 0; s < 400; s++)
        {
            int[] line = [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(1, 10))];
            lines.Add(line);
            targets.Add([.. Enumerable.Range(0, Dim).Select(k => line.Average(t => hidden[t][k]))]);
        }

        var fitted = TokenRegression.Fit(alone, lines, [.. targets], TextWriter.Null);

        Assert.Equal(Tokens, fitted.Length);
        Assert.All(fitted[0], v => Assert.Equal(0f, v));
        for (int t = 1; t < 10; t++)
        {
            Assert.True(Distance(fitted[t], hidden[t]) < 0.25 * Distance(alone[t], hidden[t]), $"token {t} was not fitted");
        }

        Assert.Equal(alone[10], fitted[10]);
        Assert.Equal(alone[11], fitted[11]);
    }

    [Fact]
    public void Fit_MismatchedLinesAndEmbeddings_Throws()
    {
        var alone = new[] { new[] { 1f, 0f }, new[] { 0f, 1f } };
        Assert.Throws<ArgumentException>(() => TokenRegression.Fit(alone, [[0], [1]], [new[] { 1f, 0f }], TextWriter.Null));
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());
}

namespace SafeChat.Inference.Tests.Detection;

/// <summary>Issue 10: a right-to-left override no longer hides a message from the shipped models.</summary>
public sealed class BidiScoringTests(ScorerFixture fixture) : IClassFixture<ScorerFixture>
{
    [Theory]
    [InlineData("send me a pic", "\u202Ecip a em dnes")]
    [InlineData("add me on snap", "\u202Epans no em dda\u202C")]
    [InlineData("dont tell your parents", "\u202Estnerap ruoy llet tnod")]
    public void AnalyzeMessage_RightToLeftOverride_ScoresLikeTheTextTheReaderSees(string plain, string hidden)
    {
        var expected = fixture.Scorer.AnalyzeMessage(plain).Probabilities.ToArray();

        var actual = fixture.Scorer.AnalyzeMessage(hidden).Probabilities.ToArray();

        Assert.Equal(expected, actual);
        Assert.Contains(expected, p => p >= 0.5f);
    }
}

using SafeChat.Training.Semantic;
using Row = SafeChat.Training.Semantic.SemanticStageCommand.SweepRow;

namespace SafeChat.Training.Tests.Semantic;

/// <summary>The stage's threshold rule: no written look-alike added, at most 0.1 % of the real benign conversations.</summary>
public sealed class SemanticStageThresholdRuleTests
{
    // Benign counts include the written ones; the first row is the stage off.
    [Fact]
    public void ChooseThreshold_NothingAdded_TakesTheLowestCandidate()
    {
        Row[] sweep = [new(1.0, 5, 22, 5, 152), new(0.8, 5, 25, 5, 170), new(0.7, 5, 28, 5, 178)];

        Assert.Equal(0.7, SemanticStageCommand.ChooseThreshold(sweep, 1847));
    }

    [Fact]
    public void ChooseThreshold_OneRealConversationIn1847_IsWithinTheBudgetAndAWrittenOneIsNot()
    {
        Row[] sweep = [new(1.0, 5, 22, 5, 152), new(0.81, 5, 28, 5, 170), new(0.77, 6, 29, 5, 173), new(0.73, 6, 29, 5, 177), new(0.71, 7, 30, 6, 177)];

        Assert.Equal(0.73, SemanticStageCommand.ChooseThreshold(sweep, 1847));
    }

    [Fact]
    public void ChooseThreshold_SecondRealConversationIn1847_IsOverTheBudget()
    {
        Row[] sweep = [new(1.0, 5, 22, 5, 152), new(0.8, 6, 25, 5, 170), new(0.7, 7, 28, 5, 178)];

        Assert.Equal(0.8, SemanticStageCommand.ChooseThreshold(sweep, 1847));
    }

    [Fact]
    public void ChooseThreshold_FewerThanAThousandRealConversations_AddsNone()
    {
        Row[] sweep = [new(1.0, 0, 22, 0, 152), new(0.8, 1, 25, 0, 170)];

        Assert.Equal(1.0, SemanticStageCommand.ChooseThreshold(sweep, 999));
    }
}

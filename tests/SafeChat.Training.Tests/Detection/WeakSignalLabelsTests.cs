using SafeChat.Scoring;

namespace SafeChat.Training.Tests.Detection;

public sealed class WeakSignalLabelsTests
{
    [Theory]
    [InlineData("im 13 and in 8th grade", true)]
    [InlineData("14/f here", true)]
    [InlineData("my mom wont let me stay up", true)]
    [InlineData("i get home after school", true)]
    [InlineData("im 15 minutes away", false)]
    [InlineData("im 34 and work nights", false)]
    [InlineData("gg wp", false)]
    public void IsMinorCue_Lines_LabelsOnlyLinesSayingTheWriterIsAMinor(string line, bool expected)
    {
        Assert.Equal(expected, WeakSignalLabels.IsMinorCue(line));
    }

    [Fact]
    public void Labels_MatchedSignal_PositiveAndOtherSignalsUnlabeled()
    {
        var matched = WeakSignalLabels.Match("we should meet at my place");

        var labels = WeakSignalLabels.Labels(matched);

        Assert.Equal([SignalNames.Meeting], matched);
        Assert.Equal(1, labels[SignalNames.All.ToList().IndexOf(SignalNames.Meeting)]);
        Assert.Equal(-1, labels[SignalNames.All.ToList().IndexOf(SignalNames.Flattery)]);
        Assert.Equal(1, labels[LineHeads.GroomingLineIndex]);
        Assert.Equal(-1, labels[LineHeads.MinorCueIndex]);
    }

    [Fact]
    public void Match_PlainChat_NoSignal()
    {
        Assert.Empty(WeakSignalLabels.Match("lol that boss fight took forever"));
    }

    [Theory]
    [InlineData("ur so pretty babygirl", "flattery")]
    [InlineData("you are so mature for your age", "flattery")]
    public void Match_RealOffenderPhrasing_LabelsTheSignal(string line, string signal)
    {
        Assert.Contains(signal, WeakSignalLabels.Match(line));
    }

    [Theory]
    [InlineData("that movie was so cute")]
    [InlineData("the new patch is hot garbage")]
    public void Match_LookAlikes_NoFlattery(string line)
    {
        Assert.DoesNotContain(SignalNames.Flattery, WeakSignalLabels.Match(line));
    }
}

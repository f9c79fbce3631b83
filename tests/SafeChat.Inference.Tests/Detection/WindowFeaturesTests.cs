using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

public sealed class WindowFeaturesTests
{
    // A window of one message by author "a" and one by author "b", with no signals.
    private static WindowFeatures TwoAuthors((AgeBand Band, AgeAssurance Assurance) a, (AgeBand Band, AgeAssurance Assurance) b)
    {
        var features = new WindowFeatures();
        features.Build(
            [
                new WindowMessage(0, "a", a.Band, MessageSignals.Empty(SignalNames.All.Count), a.Assurance),
                new WindowMessage(1, "b", b.Band, MessageSignals.Empty(SignalNames.All.Count), b.Assurance),
            ]);

        return features;
    }

    [Theory]
    [InlineData(AgeBand.Adult, AgeBand.Adult, false)] // adults among adults: nobody to groom
    [InlineData(AgeBand.Teen, AgeBand.Teen, false)] // same-age peers
    [InlineData(AgeBand.Child, AgeBand.Teen, false)]
    [InlineData(AgeBand.Adult, AgeBand.Teen, true)]
    [InlineData(AgeBand.Adult, AgeBand.Child, true)]
    [InlineData(AgeBand.Unknown, AgeBand.Teen, true)]
    [InlineData(AgeBand.Adult, AgeBand.Unknown, true)] // an unknown age leaves the possibility open
    [InlineData(AgeBand.Teen, AgeBand.Child, true)] // a teen with a known child is still a possible case
    public void HasPossibleGroomingTarget_KnownBands_FollowsTheDefinition(AgeBand author, AgeBand other, bool expected)
    {
        var features = TwoAuthors((author, AgeAssurance.Estimated), (other, AgeAssurance.Estimated));

        Assert.Equal(expected, features.HasPossibleGroomingTarget(0));
    }

    [Theory]
    [InlineData(AgeAssurance.SelfDeclared, true)] // a typed-in "14" could be an adult: the gate stays open
    [InlineData(AgeAssurance.Unknown, true)]
    [InlineData(AgeAssurance.Estimated, false)]
    [InlineData(AgeAssurance.Verified, false)]
    public void HasPossibleGroomingTarget_TeenAuthorWithTeen_GatesOnlyForAnAssuredAuthor(AgeAssurance authorAssurance, bool expected)
    {
        var features = TwoAuthors((AgeBand.Teen, authorAssurance), (AgeBand.Teen, AgeAssurance.SelfDeclared));

        Assert.Equal(expected, features.HasPossibleGroomingTarget(0));
    }

    [Theory]
    [InlineData(AgeBand.Teen, AgeBand.Teen, true)]
    [InlineData(AgeBand.Child, AgeBand.Child, true)]
    [InlineData(AgeBand.Teen, AgeBand.Child, false)] // a teen with a child is not a same-age chat
    [InlineData(AgeBand.Teen, AgeBand.Unknown, false)]
    [InlineData(AgeBand.Unknown, AgeBand.Teen, false)]
    [InlineData(AgeBand.Adult, AgeBand.Adult, false)]
    public void IsDeclaredPeerChat_SelfDeclaredBands_TrueOnlyForOneMinorBand(AgeBand author, AgeBand other, bool expected)
    {
        var features = TwoAuthors((author, AgeAssurance.SelfDeclared), (other, AgeAssurance.SelfDeclared));

        Assert.Equal(expected, features.IsDeclaredPeerChat(0));
    }

    [Fact]
    public void IsDeclaredPeerChat_AuthorAloneInTheWindow_IsFalse()
    {
        var features = new WindowFeatures();
        features.Build([new WindowMessage(0, "a", AgeBand.Teen, MessageSignals.Empty(SignalNames.All.Count), AgeAssurance.SelfDeclared)]);

        Assert.False(features.IsDeclaredPeerChat(0));
    }

    [Fact]
    public void HasPossibleGroomingTarget_AuthorAloneInTheWindow_IsPossible()
    {
        var features = new WindowFeatures();
        features.Build([new WindowMessage(0, "a", AgeBand.Adult, MessageSignals.Empty(SignalNames.All.Count))]);

        Assert.True(features.HasPossibleGroomingTarget(0));
    }
}

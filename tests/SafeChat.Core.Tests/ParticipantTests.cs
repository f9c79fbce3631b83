using SafeChat.Conversations;

namespace SafeChat.Core.Tests;

public class ParticipantTests
{
    [Theory]
    [InlineData(null, AgeBand.Unknown)]
    [InlineData(-1, AgeBand.Unknown)]
    [InlineData(9, AgeBand.Child)]
    [InlineData(12, AgeBand.Child)]
    [InlineData(13, AgeBand.Teen)]
    [InlineData(17, AgeBand.Teen)]
    [InlineData(18, AgeBand.Adult)]
    public void BandForAge_MapsYearsToBand(int? age, AgeBand expected)
    {
        Assert.Equal(expected, Participant.BandForAge(age));
    }
}

public class ParticipantAssuranceTests
{
    [Theory]
    [InlineData(AgeBand.Teen, AgeAssurance.Unknown, true)]
    [InlineData(AgeBand.Teen, AgeAssurance.SelfDeclared, true)]
    [InlineData(AgeBand.Teen, AgeAssurance.Estimated, false)]
    [InlineData(AgeBand.Child, AgeAssurance.Verified, false)]
    [InlineData(AgeBand.Adult, AgeAssurance.Verified, true)]
    [InlineData(AgeBand.Unknown, AgeAssurance.Unknown, true)]
    public void MayBeAdult_OnlyAssuredMinorBandsRuleOutAnAdult(AgeBand band, AgeAssurance assurance, bool expected)
    {
        var participant = new Participant("p", band, assurance);

        Assert.Equal(expected, participant.MayBeAdult);
        Assert.Equal(participant.IsMinor && expected, participant.IsUnassuredMinor);
    }

    [Theory]
    [InlineData(AgeBand.Child, AgeAssurance.SelfDeclared, true)]
    [InlineData(AgeBand.Teen, AgeAssurance.Unknown, true)]
    [InlineData(AgeBand.Teen, AgeAssurance.Verified, true)]
    [InlineData(AgeBand.Adult, AgeAssurance.SelfDeclared, false)]
    [InlineData(AgeBand.Unknown, AgeAssurance.Unknown, false)]
    public void IsMinorForProtection_AnyMinorClaimIsProtected(AgeBand band, AgeAssurance assurance, bool expected)
    {
        Assert.Equal(expected, new Participant("p", band, assurance).IsMinorForProtection);
    }
}

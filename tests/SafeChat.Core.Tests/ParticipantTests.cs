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

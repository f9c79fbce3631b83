using System.Text;
using SafeChat.Conversations;

namespace SafeChat.Cli.Tests;

public class ConversationParserTests
{
    private static InputConversation Parse(string json)
    {
        Assert.True(ConversationParser.TryParse(Encoding.UTF8.GetBytes(json), out var conversation, out var error), error);
        return conversation!;
    }

    [Fact]
    public void TryParse_MixedTimeFormats_AreReadLeniently()
    {
        var conversation = Parse("""
            {"id":"t","messages":[
              {"author":"a","time":"2025-08-20T18:23:42Z","text":""},
              {"author":"a","time":null,"text":""},
              {"author":"a","time":"23:59","text":""},
              {"author":"a","time":"00:01","text":""},
              {"author":"a","time":1746205200,"text":""},
              {"author":"a","time":"-8","text":""},
              {"author":"a","time":"yesterday","text":""}]}
            """.Replace("\n", "", StringComparison.Ordinal));

        var times = conversation.Messages.Select(m => m.Time).ToArray();
        Assert.Equal(new DateTimeOffset(2025, 8, 20, 18, 23, 42, TimeSpan.Zero), times[0]);
        Assert.Equal(times[0].AddSeconds(1), times[1]);
        Assert.Equal(new DateTimeOffset(2025, 8, 20, 23, 59, 0, TimeSpan.Zero), times[2]);
        Assert.Equal(new DateTimeOffset(2025, 8, 21, 0, 1, 0, TimeSpan.Zero), times[3]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1746205200), times[4]);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(-8), times[5]);
        Assert.Equal(times[5].AddSeconds(1), times[6]);
    }

    [Theory]
    [InlineData("9", AgeBand.Child)]
    [InlineData("13", AgeBand.Teen)]
    [InlineData("17.9", AgeBand.Teen)]
    [InlineData("\"16\"", AgeBand.Teen)]
    [InlineData("45", AgeBand.Adult)]
    [InlineData("null", AgeBand.Unknown)]
    [InlineData("-3", AgeBand.Unknown)]
    [InlineData("\"old\"", AgeBand.Unknown)]
    public void TryParse_ParticipantAge_MapsToAgeBand(string age, AgeBand expected)
    {
        var conversation = Parse($$"""{"id":"p","participants":[{"id":"u","age":{{age}}}],"messages":[{"author":"u","text":"hi"}]}""");

        Assert.Equal(expected, conversation.Participants["u"].AgeBand);
    }

    [Fact]
    public void TryParse_AuthorsNotInParticipants_HaveUnknownAge()
    {
        var conversation = Parse("""{"id":"p","participants":[{"id":"u","age":30,"age_assurance":"verified"}],"messages":[{"author":"v","text":"hi"}]}""");

        Assert.Equal(new Participant("u", AgeBand.Adult, AgeAssurance.Verified), conversation.Participants["u"]);
        Assert.Equal(new Participant("v"), conversation.Participants["v"]);
    }

    [Theory]
    [InlineData("""{"id":"r","messages":[{"author":"a"},{"author":"b"}]}""", RoomKind.Direct)]
    [InlineData("""{"id":"r","messages":[{"author":"a"},{"author":"b"},{"author":"c"}]}""", RoomKind.Group)]
    [InlineData("""{"id":"r","messages":[{"author":"a"}]}""", RoomKind.Group)]
    [InlineData("""{"id":"r","room":{"id":"x","kind":"public"},"messages":[{"author":"a"},{"author":"b"}]}""", RoomKind.Public)]
    [InlineData("""{"id":"r","room":{"id":"x","kind":"spaceship"},"messages":[{"author":"a"},{"author":"b"}]}""", RoomKind.Direct)]
    [InlineData("""{"id":"r","room":"lobby","messages":[{"author":"a"},{"author":"b"},{"author":"c"}]}""", RoomKind.Group)]
    public void TryParse_Room_UsesKindOrDefaultsByAuthorCount(string json, RoomKind expected)
    {
        Assert.Equal(expected, Parse(json).RoomKind);
    }

    [Fact]
    public void TryParse_NumericIdAndAuthor_AreReadAsText()
    {
        var conversation = Parse("""{"id":4711,"messages":[{"author":42,"text":"hi"}]}""");

        Assert.Equal("4711", conversation.Id);
        Assert.Equal("42", conversation.Messages[0].Author);
    }

    [Fact]
    public void TryParse_Relationships_StoredFromBothSides()
    {
        var conversation = Parse("""{"id":"r","participants":[{"id":"mum","age":40},{"id":"kid","age":9}],"relationships":[{"from":"mum","to":"kid","kind":"guardian","established":"verified-by-platform"}],"messages":[{"author":"mum","text":"hi"}]}""");

        Assert.Equal(new Relationship(RelationshipKind.Guardian, RelationshipBasis.VerifiedByPlatform), conversation.Relationships["mum"]["kid"]);
        Assert.Equal(new Relationship(RelationshipKind.Ward, RelationshipBasis.VerifiedByPlatform), conversation.Relationships["kid"]["mum"]);
    }

    [Theory]
    [InlineData("""[{"from":"mum","to":"kid","kind":"auntie"}]""", "relationships[0].kind: must be one of friend, family, teacher-coach, guardian, ward")]
    [InlineData("""[{"from":"mum","to":"nobody","kind":"family"}]""", "relationships[0].to: must be the id of another participant or author of this conversation")]
    [InlineData("""[{"from":"mum","to":"kid","kind":"family","established":"trust me"}]""", "relationships[0].established: must be one of declared, mutual-follow, verified-by-platform")]
    [InlineData("""{"from":"mum"}""", "\"relationships\" must be an array, found an object")]
    public void TryParse_BadRelationship_IsInvalidWithThePlace(string relationships, string expected)
    {
        var json = """{"id":"r","participants":[{"id":"mum","age":40},{"id":"kid","age":9}],"relationships":""" + relationships + ""","messages":[{"author":"mum","text":"hi"}]}""";

        Assert.False(ConversationParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Equal(expected, error);
    }
}

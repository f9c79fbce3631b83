using SafeChat.Conversations;
using SafeChat.Engine;

namespace SafeChat.Core.Tests.Engine;

public sealed class MessageFeatureExtractorTests
{
    [Theory]
    [InlineData("check https://example.test/x", true, false)]
    [InlineData("go to www.example", true, false)]
    [InlineData("my site is coolgames.gg", true, false)]
    [InlineData("join discord.gg/abc", true, false)]
    [InlineData("COOLGAMES.GG now", true, false)]
    [InlineData("add me @shadow_fox99", false, true)]
    [InlineData("call 555-123-4567", false, true)]
    [InlineData("email me at someone@example.com", true, false)]
    [InlineData("gg wp, 3 kills and 12 points", false, false)]
    [InlineData("ok. me too. gg.", false, false)]
    [InlineData("the score was 3.5 vs 2.1", false, false)]
    [InlineData("a.gg", false, false)]
    [InlineData("example.community is a word", false, false)]
    [InlineData("@ab is too short", false, false)]
    public void Extract_Text_FindsLinksAndHandles(string text, bool link, bool handle)
    {
        var features = MessageFeatureExtractor.Extract(new ChatMessage("m", "r", "u", text, DateTimeOffset.UnixEpoch), text);

        Assert.Equal(link, features.HasLink);
        Assert.Equal(handle, features.HasContactHandle);
        Assert.Equal(text.Length, features.Length);
    }
}

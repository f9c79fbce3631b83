using SafeChat.Conversations;

namespace SafeChat.Core.Tests;

public class InMemoryConnectionDirectoryTests
{
    [Fact]
    public async Task AreConnectedAsync_AfterConnect_IsSymmetricUntilDisconnected()
    {
        var directory = new InMemoryConnectionDirectory();
        directory.Connect("a", "b");

        Assert.True(await directory.AreConnectedAsync("a", "b"));
        Assert.True(await directory.AreConnectedAsync("b", "a"));
        Assert.False(await directory.AreConnectedAsync("a", "c"));

        directory.Disconnect("b", "a");
        Assert.False(await directory.AreConnectedAsync("a", "b"));
        Assert.Equal(0, directory.UserCount);
    }

    [Fact]
    public void Connect_EmptyId_ThrowsNamingTheArgument()
    {
        var error = Assert.Throws<ArgumentException>(() => new InMemoryConnectionDirectory().Connect("a", ""));
        Assert.Equal("userB", error.ParamName);
    }
}

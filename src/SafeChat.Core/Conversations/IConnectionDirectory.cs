namespace SafeChat.Conversations;

/// <summary>Tells whether two users are connected (friends, contacts, family link), where the host knows it.</summary>
public interface IConnectionDirectory
{
    /// <summary>Returns true when <paramref name="userA"/> and <paramref name="userB"/> are connected.</summary>
    ValueTask<bool> AreConnectedAsync(string userA, string userB, CancellationToken cancellationToken = default);
}

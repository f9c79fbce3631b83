namespace SafeChat.Conversations;

/// <summary>
/// Tells whether two users are connected (friends, contacts, family link) and, where the host knows it, how they are
/// related (<see cref="Relationship"/>).
/// </summary>
public interface IConnectionDirectory
{
    /// <summary>Returns true when <paramref name="userA"/> and <paramref name="userB"/> are connected.</summary>
    ValueTask<bool> AreConnectedAsync(string userA, string userB, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns how <paramref name="fromUser"/> is related to <paramref name="toUser"/> (for example
    /// <see cref="RelationshipKind.Guardian"/> when <paramref name="fromUser"/> is <paramref name="toUser"/>'s parent), or
    /// null when the directory knows no relationship. The default implementation knows none.
    /// </summary>
    ValueTask<Relationship?> GetRelationshipAsync(string fromUser, string toUser, CancellationToken cancellationToken = default) =>
        new((Relationship?)null);
}

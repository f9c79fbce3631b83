namespace SafeChat.Conversations;

/// <summary>
/// An <see cref="IConnectionDirectory"/> held in memory, for hosts that push their friend lists to SafeChat and for tests.
/// Connections are symmetric; relationships are stored from both sides (<see cref="Relationship.Inverse"/>). Thread-safe.
/// </summary>
public sealed class InMemoryConnectionDirectory : IConnectionDirectory
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<string>> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), Relationship> _relationships = new();

    /// <summary>How many users have at least one connection.</summary>
    public int UserCount
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Connects two users (both ways). Connecting a user to themselves is ignored.</summary>
    public void Connect(string userA, string userB)
    {
        Validate(userA, nameof(userA));
        Validate(userB, nameof(userB));
        if (string.Equals(userA, userB, StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            Add(userA, userB);
            Add(userB, userA);
        }
    }

    /// <summary>
    /// Records how <paramref name="fromUser"/> is related to <paramref name="toUser"/> (and the inverse the other way), and
    /// connects them. Relating a user to themselves is ignored.
    /// </summary>
    public void Relate(string fromUser, string toUser, Relationship relationship)
    {
        Validate(fromUser, nameof(fromUser));
        Validate(toUser, nameof(toUser));
        if (relationship is null)
        {
            throw new ArgumentNullException(nameof(relationship));
        }

        if (string.Equals(fromUser, toUser, StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            Add(fromUser, toUser);
            Add(toUser, fromUser);
            _relationships[(fromUser, toUser)] = relationship;
            _relationships[(toUser, fromUser)] = relationship.Inverse();
        }
    }

    /// <summary>Removes the connection between two users, and any relationship, if any.</summary>
    public void Disconnect(string userA, string userB)
    {
        Validate(userA, nameof(userA));
        Validate(userB, nameof(userB));
        lock (_gate)
        {
            RemoveOne(userA, userB);
            RemoveOne(userB, userA);
            _relationships.Remove((userA, userB));
            _relationships.Remove((userB, userA));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> AreConnectedAsync(string userA, string userB, CancellationToken cancellationToken = default)
    {
        Validate(userA, nameof(userA));
        Validate(userB, nameof(userB));
        lock (_gate)
        {
            return new ValueTask<bool>(_connections.TryGetValue(userA, out var set) && set.Contains(userB));
        }
    }

    /// <inheritdoc />
    public ValueTask<Relationship?> GetRelationshipAsync(string fromUser, string toUser, CancellationToken cancellationToken = default)
    {
        Validate(fromUser, nameof(fromUser));
        Validate(toUser, nameof(toUser));
        lock (_gate)
        {
            return new ValueTask<Relationship?>(_relationships.TryGetValue((fromUser, toUser), out var relationship) ? relationship : null);
        }
    }

    private void Add(string from, string to)
    {
        if (!_connections.TryGetValue(from, out var set))
        {
            set = new HashSet<string>(StringComparer.Ordinal);
            _connections.Add(from, set);
        }

        set.Add(to);
    }

    private void RemoveOne(string from, string to)
    {
        if (_connections.TryGetValue(from, out var set) && set.Remove(to) && set.Count == 0)
        {
            _connections.Remove(from);
        }
    }

    private static void Validate(string? id, string name)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("The user id must be a non-empty string.", name);
        }
    }
}

using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>Everything a policy may look at when a user asks to join a room.</summary>
public sealed record JoinContext
{
    /// <summary>The room.</summary>
    public required Room Room { get; init; }

    /// <summary>The user who wants to join.</summary>
    public required Participant Joiner { get; init; }

    /// <summary>The room's current members.</summary>
    public required IReadOnlyList<Participant> Members { get; init; }

    /// <summary>Member ids the joiner is connected to.</summary>
    public IReadOnlyCollection<string> ConnectedMemberIds { get; init; } = [];

    /// <summary>How the joiner is related to members, by member id (read from the joiner's side); a related member counts as connected.</summary>
    public IReadOnlyDictionary<string, Relationship> MemberRelationships { get; init; } = MessageContext.NoRelationships;
}

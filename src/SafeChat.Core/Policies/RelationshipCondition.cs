using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>
/// A <c>relationship</c> condition: how the sender (or joiner) is related to a recipient (or member). A recipient
/// condition, like <c>connected</c>. Relationships never lower a risk threshold: a rule with a risk condition still
/// fires for a related sender unless the rule itself says otherwise.
/// </summary>
/// <param name="Kinds">The kinds that match; null means any relationship.</param>
/// <param name="MatchesNone">True when a recipient with no relationship matches too (file word <c>none</c>).</param>
/// <param name="Established">How the relationship must have been established; null means any basis.</param>
/// <param name="Not">True to negate the whole condition (file key <c>not</c>).</param>
public sealed record RelationshipCondition(
    IReadOnlyList<RelationshipKind>? Kinds,
    bool MatchesNone = false,
    IReadOnlyList<RelationshipBasis>? Established = null,
    bool Not = false)
{
    /// <summary>True when the condition holds for a recipient the sender has <paramref name="relationship"/> with (null: none).</summary>
    public bool Matches(Relationship? relationship)
    {
        var inner = relationship is null
            ? MatchesNone
            : (Kinds is null || Contains(Kinds, relationship.Kind)) && (Established is null || Contains(Established, relationship.Basis));
        return inner != Not;
    }

    private static bool Contains<T>(IReadOnlyList<T> list, T value)
        where T : struct, Enum
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(list[i], value))
            {
                return true;
            }
        }

        return false;
    }
}

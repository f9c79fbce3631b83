namespace SafeChat.Conversations;

/// <summary>
/// How one user is related to another, read from the first user's side: for a message, the sender's relationship to a
/// recipient (<see cref="RelationshipKind.Guardian"/> = the sender is the recipient's parent or guardian). A relationship
/// counts as a connection for the policy's <c>connected</c> condition; it never lowers a risk threshold.
/// </summary>
/// <param name="Kind">The kind of relationship.</param>
/// <param name="Basis">How it was established.</param>
public sealed record Relationship(RelationshipKind Kind, RelationshipBasis Basis = RelationshipBasis.Declared)
{
    /// <summary>The same relationship read from the other side (guardian and ward swap; the other kinds are symmetric).</summary>
    public Relationship Inverse() => Kind switch
    {
        RelationshipKind.Guardian => this with { Kind = RelationshipKind.Ward },
        RelationshipKind.Ward => this with { Kind = RelationshipKind.Guardian },
        _ => this,
    };
}

namespace SafeChat.Conversations;

/// <summary>How a relationship was established, weakest first. These names (kebab-case) are a public contract.</summary>
public enum RelationshipBasis
{
    /// <summary>One side said so, nobody checked (<c>declared</c>).</summary>
    Declared = 0,
    /// <summary>Both sides chose it: a mutual follow, an accepted friend request (<c>mutual-follow</c>).</summary>
    MutualFollow = 1,
    /// <summary>The platform checked it: a family account link, a school roster, a club register (<c>verified-by-platform</c>).</summary>
    VerifiedByPlatform = 2,
}

namespace SafeChat.Conversations;

/// <summary>
/// How one user is related to another, read from the first user's side ("the sender is the recipient's ...").
/// These names (kebab-case in files and input) are a public contract.
/// </summary>
public enum RelationshipKind
{
    /// <summary>A friend or contact: connected, nothing more (<c>friend</c>).</summary>
    Friend = 0,
    /// <summary>A family member other than a parent or guardian: a sibling, grandparent, aunt, cousin (<c>family</c>).</summary>
    Family = 1,
    /// <summary>A teacher, coach, tutor or club leader (<c>teacher-coach</c>).</summary>
    TeacherOrCoach = 2,
    /// <summary>The other user's parent or legal guardian (<c>guardian</c>).</summary>
    Guardian = 3,
    /// <summary>The other user's child or ward: the reverse of <see cref="Guardian"/> (<c>ward</c>).</summary>
    Ward = 4,
}

namespace SafeChat.Conversations;

/// <summary>How the host came to know a participant's age.</summary>
public enum AgeAssurance
{
    /// <summary>No age information at all.</summary>
    Unknown = 0,
    /// <summary>The user typed it in. Ofcom does not count this as highly effective age assurance.</summary>
    SelfDeclared = 1,
    /// <summary>Estimated by a model or by behaviour.</summary>
    Estimated = 2,
    /// <summary>Verified (ID, payment card, trusted third party).</summary>
    Verified = 3,
}

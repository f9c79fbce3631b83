namespace SafeChat.Conversations;

/// <summary>How old a participant is, in the bands that child-safety rules use.</summary>
public enum AgeBand
{
    /// <summary>The host does not know the participant's age.</summary>
    Unknown = 0,
    /// <summary>Under 13.</summary>
    Child = 1,
    /// <summary>13 to 17.</summary>
    Teen = 2,
    /// <summary>18 or older.</summary>
    Adult = 3,
}
